using ProxyRotator.Core.GeoIp;

namespace ProxyRotator.UnitTests.GeoIp;

public sealed class CountryCodesTests
{
    [Fact]
    public void All_HoldsTheAssignedCodesAndKosovo()
    {
        Assert.Equal(250, CountryCodes.All.Count);
        Assert.All(CountryCodes.All, code => Assert.Matches("^[A-Z]{2}$", code));
    }

    [Theory]
    [InlineData("de", "DE")]
    [InlineData("GB", "GB")]
    [InlineData("Us", "US")]
    [InlineData("xk", "XK")]
    [InlineData("AX", "AX")]
    public void TryNormalize_AssignedCode_ReturnsUpperCase(string text, string expected)
    {
        Assert.True(CountryCodes.TryNormalize(text, out string code));
        Assert.Equal(expected, code);
    }

    [Theory]
    [InlineData("UK")]
    [InlineData("EU")]
    [InlineData("XX")]
    [InlineData("DEU")]
    [InlineData("D")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("1A")]
    public void TryNormalize_UnassignedOrMalformed_Fails(string? text) =>
        Assert.False(CountryCodes.TryNormalize(text, out _));
}
