using ProxyRotator.Core.Backconnect;
using static ProxyRotator.UnitTests.Backconnect.DialectTestRequests;

namespace ProxyRotator.UnitTests.Backconnect;

public sealed class DecodoDialectTests
{
    private readonly DecodoDialect _dialect = new();

    private BackconnectTranslation Translate(string ours, string baseUsername = "USERNAME") =>
        DialectTestRequests.Translate(_dialect, ours, baseUsername, "PASSWORD", vendorSessionId: "abc123");

    [Theory]
    [InlineData("scraper-country-us", "user-USERNAME-country-us")]
    [InlineData("scraper-country-us-session-a1", "user-USERNAME-country-us-session-abc123")]
    [InlineData("scraper-country-us-session-a1-sesstime-30", "user-USERNAME-country-us-sessionduration-30-session-abc123")]
    [InlineData("scraper-session-a1-sesstime-1440", "user-USERNAME-sessionduration-1440-session-abc123")]
    public void Translate_CanonicalTargeting_WritesDocumentedUsername(string ours, string expected)
    {
        BackconnectCredentials written = Written(Translate(ours));

        Assert.Equal(expected, written.Username);
        Assert.Equal("PASSWORD", written.Password);
    }

    [Fact]
    public void Translate_BaseAlreadyUserPrefixed_NotPrefixedTwice() =>
        Assert.Equal("user-USERNAME-country-us", Written(Translate("scraper-country-us", baseUsername: "user-USERNAME")).Username);

    [Theory]
    [InlineData("scraper-country-us-session-a1-sesstime-1441", "sesstime")]
    [InlineData("scraper-country-us-session-a1-sessmode-strict", "sessmode")]
    [InlineData("scraper-country-us-city-boston", "city")]
    [InlineData("scraper-country-us-state-ny", "state")]
    [InlineData("scraper-asn-7922", "asn")]
    public void Translate_InexpressibleTargeting_RefusedNamingParameter(string ours, string parameter) =>
        Assert.Equal(parameter, Refused(Translate(ours)));
}
