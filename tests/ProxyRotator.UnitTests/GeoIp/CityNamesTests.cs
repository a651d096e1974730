using ProxyRotator.Core.GeoIp;

namespace ProxyRotator.UnitTests.GeoIp;

public sealed class CityNamesTests
{
    [Theory]
    [InlineData("Berlin", "berlin")]
    [InlineData("New York", "new_york")]
    [InlineData(" new_york ", "new_york")]
    [InlineData("Saint-Denis", "saint_denis")]
    [InlineData("São Paulo", "são_paulo")]
    public void TryNormalize_CityName_IsLowerCaseWithUnderscores(string text, string expected)
    {
        Assert.True(CityNames.TryNormalize(text, out string city));
        Assert.Equal(expected, city);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("berlin!")]
    [InlineData("a/b")]
    public void TryNormalize_Invalid_Fails(string? text) =>
        Assert.False(CityNames.TryNormalize(text, out _));
}
