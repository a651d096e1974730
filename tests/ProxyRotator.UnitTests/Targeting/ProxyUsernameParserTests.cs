using ProxyRotator.Core.GeoIp;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;

namespace ProxyRotator.UnitTests.Targeting;

public sealed class ProxyUsernameParserTests
{
    private static readonly SessionOptions _sessions = new() { DefaultTtl = TimeSpan.FromMinutes(10), MaxTtl = TimeSpan.FromHours(24) };

    private static TargetingParameters Parse(string username)
    {
        Assert.True(ProxyUsernameParser.TryParse(username, _sessions, out TargetingParameters? parameters, out TargetingError error), error.ToString());
        return parameters!;
    }

    private static TargetingError Fail(string username)
    {
        Assert.False(ProxyUsernameParser.TryParse(username, _sessions, out TargetingParameters? parameters, out TargetingError error));
        Assert.Null(parameters);
        return error;
    }

    [Theory]
    [InlineData("scraper-session-s1", "s1")]
    [InlineData("scraper-country-de-SESSID-Ab_9-sesstime-5", "Ab_9")]
    [InlineData("scraper-banned-session-sessionid-x", "x")]
    [InlineData("scraper-session-a-session-b", "a")]
    [InlineData("scraper-session-", "")]
    [InlineData("scraper-banned-session", null)]
    [InlineData("scraper-country-session", null)]
    [InlineData("scraper-session", null)]
    [InlineData("scraper", null)]
    public void TryFindSessionId_Username_ValueOfTheFirstSessionKey(string username, string? expected)
    {
        bool found = ProxyUsernameParser.TryFindSessionId(username, out Range range);

        Assert.Equal(expected is not null, found);
        if (found)
        {
            Assert.Equal(expected, username[range]);
        }
    }

    [Theory]
    [InlineData("scraper-session-acct-42", "acct-42")]
    [InlineData("scraper-country-de-session-a_b-c-sesstime-5", "a_b-c")]
    public void TryParse_SessionIdWithDash_NamesTheSessionId(string username, string meant)
    {
        TargetingError error = Fail(username);

        Assert.Equal("session", error.Parameter);
        Assert.Contains($"'{meant}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'-'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_UnknownKeyAfterAnotherValue_StillNamesTheKey() =>
        Assert.Equal("42", Fail("scraper-country-de-42-x").Parameter);

    [Fact]
    public void TryParse_AccountOnly_NoTargeting()
    {
        TargetingParameters p = Parse("scraper");

        Assert.Equal("scraper", p.Account);
        Assert.Null(p.Type);
        Assert.Null(p.Country);
        Assert.Null(p.City);
        Assert.Null(p.Pool);
        Assert.Null(p.SessionId);
        Assert.Null(p.SessionTtl);
        Assert.False(p.IsSticky);
        Assert.False(p.GeoVerifiedOnly);
    }

    [Fact]
    public void TryParse_DesignExample_AllFieldsSet()
    {
        TargetingParameters p = Parse("scraper-type-residential-country-de-session-acct42-sesstime-60");

        Assert.Equal("scraper", p.Account);
        Assert.Equal(UpstreamType.Residential, p.Type);
        Assert.Equal("DE", p.Country);
        Assert.Equal("acct42", p.SessionId);
        Assert.Equal(TimeSpan.FromMinutes(60), p.SessionTtl);
        Assert.Equal(SessionMode.Flex, p.SessionMode);
    }

    [Fact]
    public void TryParse_EveryKey_Normalized()
    {
        TargetingParameters p = Parse("u-TYPE-Mobile-CC-us-City-New_York-Pool-Res_EU2-SessID-AbC_9-TTL-5-SessMode-STRICT-Geo-Verified");

        Assert.Equal(UpstreamType.Mobile, p.Type);
        Assert.Equal("US", p.Country);
        Assert.Equal("new_york", p.City);
        Assert.Equal("res_eu2", p.Pool);
        Assert.Equal("AbC_9", p.SessionId);
        Assert.Equal(TimeSpan.FromMinutes(5), p.SessionTtl);
        Assert.Equal(SessionMode.Strict, p.SessionMode);
        Assert.True(p.GeoVerifiedOnly);
    }

    [Theory]
    [InlineData("u-session-s1", "s1")]
    [InlineData("u-sessid-s1", "s1")]
    [InlineData("u-sessionid-s1", "s1")]
    public void TryParse_SessionAliases_SameMeaning(string username, string expected) =>
        Assert.Equal(expected, Parse(username).SessionId);

    [Theory]
    [InlineData("u-session-s-sesstime-7")]
    [InlineData("u-session-s-sessionduration-7")]
    [InlineData("u-session-s-ttl-7")]
    public void TryParse_SessionTimeAliases_SameMeaning(string username) =>
        Assert.Equal(TimeSpan.FromMinutes(7), Parse(username).SessionTtl);

    [Theory]
    [InlineData("residential", UpstreamType.Residential)]
    [InlineData("mobile", UpstreamType.Mobile)]
    [InlineData("datacenter", UpstreamType.Datacenter)]
    [InlineData("isp", UpstreamType.Isp)]
    public void TryParse_Types_Parsed(string value, UpstreamType expected) =>
        Assert.Equal(expected, Parse("u-type-" + value).Type);

    [Fact]
    public void TryParse_SessionWithoutTime_DefaultTtl() =>
        Assert.Equal(_sessions.DefaultTtl, Parse("u-session-abc").SessionTtl);

    [Fact]
    public void TryParse_SessionTimeAtMax_Accepted() =>
        Assert.Equal(TimeSpan.FromHours(24), Parse("u-session-a-sesstime-1440").SessionTtl);

    [Fact]
    public void TryParse_UkAlias_MeansGb() => Assert.Equal("GB", Parse("u-country-uk").Country);

    [Fact]
    public void TryParse_Kosovo_Accepted() => Assert.Equal("XK", Parse("u-cc-xk").Country);

    [Theory]
    [InlineData("u-city-Sao_Paulo", "sao_paulo")]
    [InlineData("u-city-são_paulo", "sao_paulo")]
    [InlineData("u-city-new york", "new_york")]
    [InlineData("u-city-st.louis", "st_louis")]
    [InlineData("u-city-berlin2", "berlin2")]
    public void TryParse_City_NormalisedLikeUpstreamCities(string username, string expected)
    {
        Assert.Equal(expected, Parse(username).City);
        Assert.True(CityNames.TryNormalize(expected, out string same));
        Assert.Equal(expected, same);
    }

    [Fact]
    public void TryParse_CountryResult_IsSharedString() =>
        Assert.Same(Parse("u-country-de").Country, Parse("u-cc-DE").Country);

    [Theory]
    [InlineData("u-colour-red", "colour", "unknown")]
    [InlineData("u-country", "country", "missing")]
    [InlineData("u-country-", "country", "missing")]
    [InlineData("u-country-de-", "username", "empty parameter")]
    [InlineData("u--country-de", "username", "empty parameter")]
    [InlineData("u-country-xx", "country", "ISO")]
    [InlineData("u-country-deu", "country", "ISO")]
    [InlineData("u-country-d1", "country", "ISO")]
    [InlineData("u-country-de-cc-fr", "country", "more than once")]
    [InlineData("u-session-a-sessid-b", "session", "more than once")]
    [InlineData("u-type-cable", "type", "expected")]
    [InlineData("u-city-new!york", "city", "expected")]
    [InlineData("u-city-__", "city", "expected")]
    [InlineData("u-pool-res.eu", "pool", "expected")]
    [InlineData("u-session-a.b", "session", "expected")]
    [InlineData("u-session-a-sesstime-0", "sesstime", "minutes")]
    [InlineData("u-session-a-sesstime-1441", "sesstime", "minutes")]
    [InlineData("u-session-a-sesstime-1h", "sesstime", "minutes")]
    [InlineData("u-session-a-sesstime--5", "sesstime", "missing")]
    [InlineData("u-session-a-sessmode-loose", "sessmode", "flex or strict")]
    [InlineData("u-geo-maybe", "geo", "verified")]
    [InlineData("u-sesstime-10", "sesstime", "needs a session")]
    [InlineData("u-sessmode-strict", "sessmode", "needs a session")]
    [InlineData("-country-de", "account", "missing")]
    [InlineData("", "username", "empty")]
    public void TryParse_Malformed_ErrorNamesParameter(string username, string parameter, string messagePart)
    {
        TargetingError error = Fail(username);

        Assert.Equal(parameter, error.Parameter);
        Assert.Contains(messagePart, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TryParse_SessionIdOf65Chars_Refused() =>
        Assert.Equal("session", Fail("u-session-" + new string('a', 65)).Parameter);

    [Fact]
    public void TryParse_SessionIdOf64Chars_Accepted() =>
        Assert.Equal(64, Parse("u-session-" + new string('a', 64)).SessionId!.Length);

    [Theory]
    [InlineData("u\r\n-country-de")]
    [InlineData("u-country-de\n")]
    [InlineData("u-session-a\0")]
    [InlineData("u\u0007")]
    [InlineData("u-city-b\u007Ferlin")]
    public void TryParse_ControlCharacters_Refused(string username) =>
        Assert.Equal("username", Fail(username).Parameter);

    [Fact]
    public void TryParse_Over255Chars_Refused() =>
        Assert.Equal("username", Fail("u-session-a" + new string('b', 250)).Parameter);

    [Fact]
    public void TryParse_KnownAccount_UsesGivenString()
    {
        const string account = "scraper";
        Assert.True(ProxyUsernameParser.TryParse("scraper-country-de", _sessions, account, out TargetingParameters? p, out _));

        Assert.Same(account, p!.Account);
    }

    [Fact]
    public void AccountOf_WithParameters_PartBeforeFirstDash() =>
        Assert.Equal("scraper", ProxyUsernameParser.AccountOf("scraper-country-de").ToString());
}
