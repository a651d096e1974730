using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Targeting;
using static ProxyRotator.UnitTests.Backconnect.DialectTestRequests;

namespace ProxyRotator.UnitTests.Backconnect;

public sealed class IpRoyalDialectTests
{
    private readonly IpRoyalDialect _dialect = new();

    private BackconnectTranslation Translate(string ours, string basePassword = "password") =>
        DialectTestRequests.Translate(_dialect, ours, "username", basePassword, vendorSessionId: "sgn34f3e");

    [Theory]
    [InlineData("scraper-country-br-session-a1", "password_country-br_session-sgn34f3e_lifetime-10m")]
    [InlineData("scraper-country-us-city-chicago", "password_country-us_city-chicago")]
    [InlineData("scraper-country-us-state-iowa", "password_country-us_state-iowa")]
    [InlineData("scraper-country-us-st-ia", "password_country-us_state-iowa")]
    [InlineData("scraper-country-us-city-new_york-state-new_york", "password_country-us_city-newyork_state-newyork")]
    [InlineData("scraper-country-br-session-a1-sesstime-120", "password_country-br_session-sgn34f3e_lifetime-2h")]
    [InlineData("scraper-country-br-session-a1-sesstime-90", "password_country-br_session-sgn34f3e_lifetime-90m")]
    [InlineData("scraper-country-br-session-a1-sesstime-1440", "password_country-br_session-sgn34f3e_lifetime-1d")]
    [InlineData("scraper-country-br-session-a1-sesstime-10080", "password_country-br_session-sgn34f3e_lifetime-7d")]
    public void Translate_CanonicalTargeting_WritesDocumentedPassword(string ours, string expected)
    {
        BackconnectCredentials written = Written(Translate(ours));

        Assert.Equal("username", written.Username);
        Assert.Equal(expected, written.Password);
    }

    [Fact]
    public void Translate_KeyedSessionIds_SessionIsExactlyEightAlphanumerics()
    {
        var request = new BackconnectRequest
        {
            Targeting = new TargetingParameters { Account = "scraper", SessionId = "a_long_client_session_id_42", SessionTtl = TimeSpan.FromMinutes(10) },
            BaseCredentials = new BackconnectCredentials("username", "password"),
            SessionIds = new KeyedVendorSessionIds(new byte[32]),
        };

        BackconnectCredentials written = Written(_dialect.Translate(request));

        Assert.Matches("^password_session-[a-z0-9]{8}_lifetime-10m$", written.Password);
    }

    [Theory]
    [InlineData("scraper-country-br-session-a1-sesstime-10081", "sesstime")]
    [InlineData("scraper-country-de-state-by", "state")]
    [InlineData("scraper-state-iowa", "state")]
    [InlineData("scraper-asn-7922", "asn")]
    [InlineData("scraper-session-a1-sessmode-strict", "sessmode")]
    public void Translate_InexpressibleTargeting_RefusedNamingParameter(string ours, string parameter) =>
        Assert.Equal(parameter, Refused(Translate(ours)));

    [Fact]
    public void Translate_NoBasePassword_RefusedNamingPassword() =>
        Assert.Equal("password", Refused(Translate("scraper", basePassword: "")));

    [Theory]
    [InlineData(0, null)]
    [InlineData(30, "30s")]
    [InlineData(61, "61s")]
    [InlineData(3600, "1h")]
    [InlineData(604800, "7d")]
    [InlineData(604801, null)]
    public void TryFormatLifetime_Seconds_OneUnit(int seconds, string? expected)
    {
        bool ok = IpRoyalDialect.TryFormatLifetime(TimeSpan.FromSeconds(seconds), out string? lifetime);

        Assert.Equal(expected is not null, ok);
        Assert.Equal(expected, lifetime);
    }
}
