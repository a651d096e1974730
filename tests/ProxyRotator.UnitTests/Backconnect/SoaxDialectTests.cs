using ProxyRotator.Core.Backconnect;
using static ProxyRotator.UnitTests.Backconnect.DialectTestRequests;

namespace ProxyRotator.UnitTests.Backconnect;

public sealed class SoaxDialectTests
{
    private const string PackageKey = "pk_live_7Hq2";
    private readonly SoaxDialect _dialect = new();

    private BackconnectTranslation Translate(string ours, string packageKey = PackageKey) =>
        DialectTestRequests.Translate(_dialect, ours, "package", packageKey, vendorSessionId: "abc");

    [Theory]
    [InlineData("scraper-country-us-session-a1", "country-us-sessionid-abc")]
    [InlineData("scraper", "country-any")]
    [InlineData("scraper-session-a1", "country-any-sessionid-abc")]
    [InlineData("scraper-country-us-city-los_angeles", "country-us-city-los_angeles")]
    [InlineData("scraper-country-us-session-a1-sessmode-strict", "country-us-sessionid-abc-bind-node")]
    public void Translate_CanonicalTargeting_WritesDocumentedRules(string ours, string expected)
    {
        BackconnectCredentials written = Written(Translate(ours));

        Assert.Equal(expected, written.Username);
        Assert.Equal(PackageKey, written.Password);
    }

    [Theory]
    [InlineData("scraper-country-us-state-ny", "state")]
    [InlineData("scraper-asn-7922", "asn")]
    [InlineData("scraper-city-boston", "city")]
    public void Translate_InexpressibleTargeting_RefusedNamingParameter(string ours, string parameter) =>
        Assert.Equal(parameter, Refused(Translate(ours)));

    [Fact]
    public void Translate_NoPackageKey_RefusedNamingPassword() =>
        Assert.Equal("password", Refused(Translate("scraper", packageKey: "")));
}
