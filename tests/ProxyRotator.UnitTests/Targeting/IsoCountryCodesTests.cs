using ProxyRotator.Core.Targeting;

namespace ProxyRotator.UnitTests.Targeting;

public sealed class IsoCountryCodesTests
{
    [Fact]
    public void Count_OfficiallyAssigned_Is249() => Assert.Equal(249, IsoCountryCodes.Count);

    [Theory]
    [InlineData("de", "DE")]
    [InlineData("US", "US")]
    [InlineData("aX", "AX")]
    [InlineData("zw", "ZW")]
    [InlineData("uk", "GB")]
    [InlineData("UK", "GB")]
    [InlineData("xk", "XK")]
    public void TryNormalize_AssignedCode_UpperCase(string code, string expected)
    {
        Assert.True(IsoCountryCodes.TryNormalize(code, out string? canonical));
        Assert.Equal(expected, canonical);
    }

    [Theory]
    [InlineData("XX")]
    [InlineData("EU")]
    [InlineData("AA")]
    [InlineData("D")]
    [InlineData("DEU")]
    [InlineData("D3")]
    [InlineData("É1")]
    [InlineData("")]
    public void TryNormalize_NotAssigned_False(string code) => Assert.False(IsoCountryCodes.IsValid(code));

    [Theory]
    [InlineData(null, true, null)]
    [InlineData(" ", true, null)]
    [InlineData(" uk ", true, "GB")]
    [InlineData("de", true, "DE")]
    [InlineData("Germany", false, null)]
    [InlineData("XX", false, null)]
    public void TryNormalizeOptional_BlankIsAbsent(string? text, bool valid, string? expected)
    {
        Assert.Equal(valid, IsoCountryCodes.TryNormalizeOptional(text, out string? code));
        Assert.Equal(expected, code);
    }
}
