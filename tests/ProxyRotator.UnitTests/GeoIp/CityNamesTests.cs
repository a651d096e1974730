using ProxyRotator.Core.GeoIp;

namespace ProxyRotator.UnitTests.GeoIp;

public sealed class CityNamesTests
{
    [Theory]
    [InlineData("Berlin", "berlin")]
    [InlineData("New York", "new_york")]
    [InlineData(" new_york ", "new_york")]
    [InlineData("Saint-Denis", "saint_denis")]
    [InlineData("São Paulo", "sao_paulo")]
    [InlineData("sao_paulo", "sao_paulo")]
    [InlineData("Zürich", "zurich")]
    [InlineData("Winston-Salem", "winston_salem")]
    [InlineData("St. Louis", "st_louis")]
    [InlineData("Val-d'Or", "val_d_or")]
    [InlineData("Washington, D.C.", "washington_d_c")]
    [InlineData("new  -  york", "new_york")]
    [InlineData("_berlin_", "berlin")]
    [InlineData("Łódź", "lodz")]
    [InlineData("Straße", "strasse")]
    [InlineData("Москва", "москва")]
    [InlineData("Berlin2", "berlin2")]
    [InlineData("Sa\u0303o Paulo", "sao_paulo")]
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
    [InlineData("2×3")]
    [InlineData("- _ .")]
    [InlineData("ber\nlin")]
    [InlineData("ber\u0000lin")]
    public void TryNormalize_Invalid_Fails(string? text) =>
        Assert.False(CityNames.TryNormalize(text, out _));

    [Fact]
    public void TryNormalize_Normalised_IsItsOwnNormalForm()
    {
        foreach (string text in new[] { "São Paulo", "Winston-Salem", "Val-d'Or", "Łódź" })
        {
            Assert.True(CityNames.TryNormalize(text, out string once));
            Assert.True(CityNames.TryNormalize(once, out string twice));
            Assert.Equal(once, twice);
        }
    }

    [Fact]
    public void TryNormalize_LongerThanMaxLength_Fails()
    {
        Assert.True(CityNames.TryNormalize(new string('a', CityNames.MaxLength), out _));
        Assert.False(CityNames.TryNormalize(new string('a', CityNames.MaxLength + 1), out _));
        Assert.False(CityNames.TryNormalize(new string('a', CityNames.MaxLength - 1) + " b", out _));
    }

    [Theory]
    [InlineData(null, true, null)]
    [InlineData("  ", true, null)]
    [InlineData("New York", true, "new_york")]
    [InlineData("new york!", false, null)]
    public void TryNormalizeOptional_BlankIsAbsent(string? text, bool valid, string? expected)
    {
        Assert.Equal(valid, CityNames.TryNormalizeOptional(text, out string? city));
        Assert.Equal(expected, city);
    }
}
