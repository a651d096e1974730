using ProxyRotator.Core.Backconnect;
using static ProxyRotator.UnitTests.Backconnect.DialectTestRequests;

namespace ProxyRotator.UnitTests.Backconnect;

public sealed class TemplateDialectTests
{
    private const string NetNutLike = "{user}[-cc-{country}][-city-{city}][-st-{state}][-asn-{asn}][-sid-{session}][-ttl-{ttl}][-hold{strict}]";

    private static TemplateDialect Create(TemplateDialectOptions options)
    {
        Assert.True(TemplateDialect.TryCreate(options, out TemplateDialect? dialect, out string? error), error);
        return dialect!;
    }

    private static BackconnectTranslation Translate(TemplateDialectOptions options, string ours) =>
        DialectTestRequests.Translate(Create(options), ours, "acme_user", "acme_pass", vendorSessionId: "a1b2c3");

    [Theory]
    [InlineData("scraper", "acme_user")]
    [InlineData("scraper-country-us", "acme_user-cc-us")]
    [InlineData("scraper-country-us-city-new_york-state-ny-asn-7922", "acme_user-cc-us-city-new_york-st-ny-asn-7922")]
    [InlineData("scraper-session-s1", "acme_user-sid-a1b2c3-ttl-10")]
    [InlineData("scraper-session-s1-sesstime-45-sessmode-strict", "acme_user-sid-a1b2c3-ttl-45-hold")]
    public void Translate_OptionalParts_WrittenOnlyWhenAsked(string ours, string expected) =>
        Assert.Equal(expected, Written(Translate(new() { Username = NetNutLike }, ours)).Username);

    [Fact]
    public void Translate_PerFieldFormatting_CaseSeparatorAndTtlUnit()
    {
        var options = new TemplateDialectOptions
        {
            Username = NetNutLike,
            CountryCase = TemplateCase.Upper,
            ValueCase = TemplateCase.Upper,
            Separator = "",
            TtlUnit = TemplateTtlUnit.Seconds,
        };

        Assert.Equal("acme_user-cc-US-city-NEWYORK-sid-a1b2c3-ttl-1800", Written(Translate(options, "scraper-cc-us-city-new_york-session-s1-sesstime-30")).Username);
    }

    [Theory]
    [InlineData(TemplateTtlUnit.Minutes, "scraper-session-s1-sesstime-120", "120")]
    [InlineData(TemplateTtlUnit.Hours, "scraper-session-s1-sesstime-120", "2")]
    [InlineData(TemplateTtlUnit.Suffixed, "scraper-session-s1-sesstime-120", "2h")]
    [InlineData(TemplateTtlUnit.Suffixed, "scraper-session-s1-sesstime-90", "90m")]
    public void Translate_TtlUnit_Written(TemplateTtlUnit unit, string ours, string ttl) =>
        Assert.Equal("u-" + ttl, Written(Translate(new() { Username = "u[-{session}]", Password = "{password}[-{ttl}]", TtlUnit = unit }, ours)).Password.Replace("acme_pass", "u", StringComparison.Ordinal));

    [Fact]
    public void Translate_TtlNotWholeHours_RefusedNamingSesstime() =>
        Assert.Equal("sesstime", Refused(Translate(new() { Username = NetNutLike, TtlUnit = TemplateTtlUnit.Hours }, "scraper-session-s1-sesstime-90")));

    [Fact]
    public void Translate_TtlOverMax_RefusedNamingSesstime() =>
        Assert.Equal("sesstime", Refused(Translate(new() { Username = NetNutLike, MaxTtl = TimeSpan.FromMinutes(30) }, "scraper-session-s1-sesstime-31")));

    [Fact]
    public void Translate_ParametersInPassword_Written()
    {
        BackconnectCredentials written = Written(Translate(new() { Password = "{password}[_country-{country}][_session-{session}]" }, "scraper-cc-br-session-s1"));

        Assert.Equal("acme_user", written.Username);
        Assert.Equal("acme_pass_country-br_session-a1b2c3", written.Password);
    }

    [Theory]
    [InlineData("scraper-state-ny", "state")]
    [InlineData("scraper-asn-7922", "asn")]
    [InlineData("scraper-city-berlin", "city")]
    [InlineData("scraper-session-s1", "session")]
    [InlineData("scraper-session-s1-sessmode-strict", "sessmode")]
    public void Translate_PlaceholderMissing_RefusedNamingParameter(string ours, string parameter)
    {
        string username = parameter == "sessmode" ? "{user}[-cc-{country}][-sid-{session}]" : "{user}[-cc-{country}]";

        Assert.Equal(parameter, Refused(Translate(new() { Username = username }, ours)));
    }

    [Fact]
    public void Translate_RequiredPlaceholderWithoutValue_RefusedNamingIt() =>
        Assert.Equal("country", Refused(Translate(new() { Username = "{user}-country-{country}" }, "scraper")));

    [Theory]
    [InlineData("{user}[-cc-{country}", "'[' without ']'")]
    [InlineData("{user}-cc-{country}]", "']' without '['")]
    [InlineData("{user}[-a[-{country}]]", "cannot nest")]
    [InlineData("{user}[-static]", "without a placeholder")]
    [InlineData("{user}-{zip}", "unknown placeholder")]
    [InlineData("{user}-{country", "unknown placeholder")]
    [InlineData("{user}}", "'}' without '{'")]
    [InlineData("{user} -x", "spaces or control characters")]
    [InlineData("{user}:{country}", "must not contain ':'")]
    public void TryCreate_MalformedTemplate_FailsWithReason(string username, string reason)
    {
        Assert.False(TemplateDialect.TryCreate(new() { Username = username }, out TemplateDialect? dialect, out string? error));
        Assert.Null(dialect);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-")]
    [InlineData(":")]
    public void TryCreate_BadSeparator_Fails(string separator) =>
        Assert.False(TemplateDialect.TryCreate(new() { Separator = separator }, out _, out _));

    [Fact]
    public void TryCreate_SessionLengthOutOfRange_Fails() =>
        Assert.False(TemplateDialect.TryCreate(new() { SessionLength = 33 }, out _, out _));
}
