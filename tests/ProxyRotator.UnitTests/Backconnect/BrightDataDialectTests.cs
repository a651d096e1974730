using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Pool;
using static ProxyRotator.UnitTests.Backconnect.DialectTestRequests;

namespace ProxyRotator.UnitTests.Backconnect;

public sealed class BrightDataDialectTests
{
    private const string Zone = "brd-customer-hl_1234abcd-zone-res1";
    private readonly BrightDataDialect _dialect = new();

    private BackconnectTranslation Translate(string ours, UpstreamType type = UpstreamType.Residential, string baseUsername = Zone) =>
        DialectTestRequests.Translate(_dialect, ours, baseUsername, "zonepass", vendorSessionId: "glob1234", type: type);

    [Theory]
    [InlineData("scraper", Zone)]
    [InlineData("scraper-country-us", Zone + "-country-us")]
    [InlineData("scraper-country-us-state-ny", Zone + "-country-us-state-ny")]
    [InlineData("scraper-country-us-st-new_york", Zone + "-country-us-state-ny")]
    [InlineData("scraper-country-us-city-san_francisco", Zone + "-country-us-city-sanfrancisco")]
    [InlineData("scraper-asn-56386", Zone + "-asn-56386")]
    [InlineData("scraper-session-a1", Zone + "-session-glob1234")]
    [InlineData("scraper-session-a1-sessmode-strict", Zone + "-session-glob1234-const")]
    [InlineData("scraper-cc-us-st-ny-city-new_york-asn-7922-session-a1", Zone + "-country-us-state-ny-city-newyork-asn-7922-session-glob1234")]
    public void Translate_CanonicalTargeting_WritesDocumentedUsername(string ours, string expected)
    {
        BackconnectCredentials written = Written(Translate(ours));

        Assert.Equal(expected, written.Username);
        Assert.Equal("zonepass", written.Password);
    }

    [Fact]
    public void Translate_Session_ReportsVendorSessionId() =>
        Assert.Equal("glob1234", Translate("scraper-session-a1").VendorSessionId);

    [Theory]
    [InlineData("scraper-state-ny")]
    [InlineData("scraper-country-de-state-by")]
    [InlineData("scraper-country-us-state-narnia")]
    public void Translate_StateWithoutCountryUsOrUnknown_RefusedNamingState(string ours) =>
        Assert.Equal("state", Refused(Translate(ours)));

    [Theory]
    [InlineData("scraper-country-us-city-boston", "city")]
    [InlineData("scraper-asn-7922", "asn")]
    [InlineData("scraper-session-a1", "session")]
    public void Translate_DatacenterZoneBeyondCountry_Refused(string ours, string parameter) =>
        Assert.Equal(parameter, Refused(Translate(ours, UpstreamType.Datacenter)));

    [Fact]
    public void Translate_DatacenterZoneCountryOnly_Written() =>
        Assert.Equal(Zone + "-country-de", Written(Translate("scraper-country-de", UpstreamType.Isp)).Username);

    [Fact]
    public void Translate_BaseUsernameNotAZone_RefusedNamingUsername() =>
        Assert.Equal("username", Refused(Translate("scraper", baseUsername: "hl_1234abcd")));
}
