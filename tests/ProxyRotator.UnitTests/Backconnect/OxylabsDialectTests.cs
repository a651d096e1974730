using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Pool;
using static ProxyRotator.UnitTests.Backconnect.DialectTestRequests;

namespace ProxyRotator.UnitTests.Backconnect;

public sealed class OxylabsDialectTests
{
    private readonly OxylabsDialect _dialect = new();

    private BackconnectTranslation Translate(string ours, UpstreamType type = UpstreamType.Residential, string baseUsername = "USERNAME") =>
        DialectTestRequests.Translate(_dialect, ours, baseUsername, "PASSWORD", vendorSessionId: "abcd1234", type: type);

    [Theory]
    [InlineData("scraper", "customer-USERNAME")]
    [InlineData("scraper-cc-de", "customer-USERNAME-cc-DE")]
    [InlineData("scraper-country-us-st-california", "customer-USERNAME-cc-US-st-us_california")]
    [InlineData("scraper-country-us-state-ca", "customer-USERNAME-cc-US-st-us_california")]
    [InlineData("scraper-country-us-city-los_angeles", "customer-USERNAME-cc-US-city-los_angeles")]
    [InlineData("scraper-session-a1", "customer-USERNAME-sessid-abcd1234")]
    [InlineData("scraper-session-a1-sesstime-30", "customer-USERNAME-sessid-abcd1234-sesstime-30")]
    [InlineData("scraper-cc-de-session-a1-sesstime-1440", "customer-USERNAME-cc-DE-sessid-abcd1234-sesstime-1440")]
    public void Translate_CanonicalTargeting_WritesDocumentedUsername(string ours, string expected)
    {
        BackconnectCredentials written = Written(Translate(ours));

        Assert.Equal(expected, written.Username);
        Assert.Equal("PASSWORD", written.Password);
    }

    [Fact]
    public void Translate_BaseAlreadyCustomerPrefixed_NotPrefixedTwice() =>
        Assert.Equal("customer-USERNAME-cc-DE", Written(Translate("scraper-cc-de", baseUsername: "customer-USERNAME")).Username);

    [Fact]
    public void Translate_SessionTimeOver1440_RefusedNamingSesstime() =>
        Assert.Equal("sesstime", Refused(Translate("scraper-session-a1-sesstime-1441")));

    [Fact]
    public void Translate_MobileSessionTimeOver30_RefusedNamingSesstime()
    {
        Assert.Equal("sesstime", Refused(Translate("scraper-session-a1-sesstime-31", UpstreamType.Mobile)));
        Assert.Equal("customer-USERNAME-sessid-abcd1234-sesstime-30", Written(Translate("scraper-session-a1-sesstime-30", UpstreamType.Mobile)).Username);
    }

    [Theory]
    [InlineData("scraper-asn-3320", "asn")]
    [InlineData("scraper-session-a1-sessmode-strict", "sessmode")]
    [InlineData("scraper-country-de-state-by", "state")]
    public void Translate_InexpressibleTargeting_RefusedNamingParameter(string ours, string parameter) =>
        Assert.Equal(parameter, Refused(Translate(ours)));
}
