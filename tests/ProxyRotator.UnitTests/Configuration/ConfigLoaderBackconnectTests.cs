using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Configuration;
using static ProxyRotator.UnitTests.Configuration.ConfigJson;

namespace ProxyRotator.UnitTests.Configuration;

/// <summary>Upstream <c>kind</c>, <c>dialect</c>, <c>template</c>, <c>countries</c> and <c>cost</c> (issue 12).</summary>
public sealed class ConfigLoaderBackconnectTests
{
    private const string BrightData = "http://brd-customer-hl_1-zone-res1:pw@brd.superproxy.io:33335";

    private static string Pool(string entry, string poolFields = "") =>
        Document("'pools': [ { 'name': 'res', " + poolFields + "'proxies': [ " + entry + " ] } ]");

    private static ProxyEntryOptions LoadEntry(string entry) => Assert.Single(Assert.Single(Load(Pool(entry)).Pools).Proxies);

    [Fact]
    public void Load_BackconnectWithCountriesAndCost_CarriedToOptions()
    {
        ProxyEntryOptions entry = LoadEntry("{ 'url': '" + BrightData + "', 'kind': 'backconnect', 'dialect': 'brightdata', 'countries': ['us', 'DE'], 'cost': { 'perGb': 8.4 } }");

        Assert.Equal(UpstreamKind.Backconnect, entry.Kind);
        Assert.Equal("brightdata", entry.Backconnect!.DialectName);
        Assert.IsType<BrightDataDialect>(entry.Backconnect.Dialect);
        Assert.False(entry.Backconnect.Countries.IsAll);
        Assert.Equal(["DE", "US"], entry.Backconnect.Countries.Countries.Order());
        Assert.True(entry.Backconnect.Countries.Covers("US"));
        Assert.False(entry.Backconnect.Countries.Covers("FR"));
        Assert.Equal(new UpstreamCost(8.4m, null), entry.Cost);
    }

    [Fact]
    public void Load_BackconnectWithoutCountries_CoversEveryCountry()
    {
        ProxyEntryOptions entry = LoadEntry("{ 'url': 'http://USERNAME:pw@pr.oxylabs.io:7777', 'kind': 'backconnect', 'dialect': 'oxylabs' }");

        Assert.True(entry.Backconnect!.Countries.IsAll);
        Assert.True(entry.Backconnect.Countries.Covers("BR"));
    }

    [Fact]
    public void Load_StaticEntry_StaticKindAndNoBackconnect()
    {
        ProxyEntryOptions entry = LoadEntry("{ 'url': 'http://u:p@198.51.100.7:8000', 'kind': 'static', 'country': 'DE', 'cost': { 'perRequest': 0.001 } }");

        Assert.Equal(UpstreamKind.Static, entry.Kind);
        Assert.Null(entry.Backconnect);
        Assert.Equal(new UpstreamCost(null, 0.001m), entry.Cost);
    }

    [Fact]
    public void Load_PoolCost_CarriedToPool()
    {
        PoolOptions pool = Assert.Single(Load(Pool("'http://198.51.100.7:8000'", "'cost': { 'perGb': 0.5, 'perRequest': 0 }, ")).Pools);

        Assert.Equal(new UpstreamCost(0.5m, 0m), pool.Cost);
    }

    [Fact]
    public void Load_TemplateDialect_Compiled()
    {
        ProxyEntryOptions entry = LoadEntry("{ 'url': 'http://acme:pw@gw.acme.example:9000', 'kind': 'backconnect', 'dialect': 'template', 'countries': '*', "
            + "'template': { 'username': '{user}[-cc-{country}][-sid-{session}][-ttl-{ttl}]', 'countryCase': 'upper', 'ttlUnit': 'seconds', 'maxTtl': '1h', 'sessionLength': 10, 'sessionCharset': 'hex' } }");

        TemplateDialectOptions template = entry.Backconnect!.Template!;
        Assert.IsType<TemplateDialect>(entry.Backconnect.Dialect);
        Assert.Equal(TemplateCase.Upper, template.CountryCase);
        Assert.Equal(TemplateTtlUnit.Seconds, template.TtlUnit);
        Assert.Equal(TimeSpan.FromHours(1), template.MaxTtl);
        Assert.Equal(10, template.SessionLength);
        Assert.Equal(VendorSessionIdCharset.Hex, template.SessionCharset);
    }

    public static TheoryData<string, string, string> InvalidEntries => new()
    {
        { "{ 'url': '" + BrightData + "', 'kind': 'rotating' }", "pools[0].proxies[0].kind", "unknown kind 'rotating' (expected static or backconnect)" },
        { "{ 'url': '" + BrightData + "', 'kind': 'backconnect' }", "pools[0].proxies[0].dialect", "is required" },
        { "{ 'url': '" + BrightData + "', 'kind': 'backconnect', 'dialect': 'smartproxy' }", "pools[0].proxies[0].dialect", "unknown dialect 'smartproxy' (expected brightdata, decodo, iproyal, oxylabs, soax or template)" },
        { "{ 'url': '" + BrightData + "', 'kind': 'backconnect', 'dialect': 'BrightData' }", "pools[0].proxies[0].dialect", "unknown dialect 'BrightData'" },
        { "{ 'url': '" + BrightData + "', 'dialect': 'brightdata' }", "pools[0].proxies[0].dialect", "only for \"kind\": \"backconnect\"" },
        { "{ 'url': '" + BrightData + "', 'countries': ['US'] }", "pools[0].proxies[0].countries", "only for \"kind\": \"backconnect\"" },
        { "{ 'url': '" + BrightData + "', 'kind': 'backconnect', 'dialect': 'brightdata', 'country': 'US' }", "pools[0].proxies[0].country", "list them in \"countries\"" },
        { "{ 'url': '" + BrightData + "', 'kind': 'backconnect', 'dialect': 'brightdata', 'countries': [] }", "pools[0].proxies[0].countries", "at least one country" },
        { "{ 'url': '" + BrightData + "', 'kind': 'backconnect', 'dialect': 'brightdata', 'countries': 'all' }", "pools[0].proxies[0].countries", "must be \"*\"" },
        { "{ 'url': '" + BrightData + "', 'kind': 'backconnect', 'dialect': 'brightdata', 'countries': ['US', 'XX'] }", "pools[0].proxies[0].countries[1]", "'XX' is not an ISO 3166-1 alpha-2" },
        { "{ 'url': '" + BrightData + "', 'kind': 'backconnect', 'dialect': 'brightdata', 'countries': ['US', 'us'] }", "pools[0].proxies[0].countries[1]", "listed twice" },
        { "{ 'url': '" + BrightData + "', 'kind': 'backconnect', 'dialect': 'brightdata', 'template': {} }", "pools[0].proxies[0].template", "only for \"dialect\": \"template\"" },
        { "{ 'url': 'http://hl_1:pw@brd.superproxy.io:33335', 'kind': 'backconnect', 'dialect': 'brightdata' }", "pools[0].proxies[0].url", "brd-customer-<id>-zone-<zone>" },
        { "{ 'url': 'http://user@geo.iproyal.com:12321', 'kind': 'backconnect', 'dialect': 'iproyal' }", "pools[0].proxies[0].url", "needs its password" },
        { "{ 'url': 'http://gw.acme.example:9000', 'kind': 'backconnect', 'dialect': 'template' }", "pools[0].proxies[0].template", "is required for \"dialect\": \"template\"" },
        { "{ 'url': 'http://gw.acme.example:9000', 'kind': 'backconnect', 'dialect': 'template', 'template': { 'username': '{user}[-cc-{country}' } }", "pools[0].proxies[0].template", "'[' without ']'" },
        { "{ 'url': 'http://gw.acme.example:9000', 'kind': 'backconnect', 'dialect': 'template', 'template': { 'ttlUnit': 'days' } }", "pools[0].proxies[0].template.ttlUnit", "'days' is not one of seconds, minutes, hours, suffixed" },
        { "{ 'url': 'http://gw.acme.example:9000', 'kind': 'backconnect', 'dialect': 'template', 'template': { 'usename': '{user}' } }", "pools[0].proxies[0].template.usename", "did you mean 'username'?" },
        { "{ 'url': 'http://gw.acme.example:9000', 'kind': 'backconnect', 'dialect': 'template', 'template': { 'sessionLength': 2 } }", "pools[0].proxies[0].template.sessionLength", "between 4 and 32" },
        { "{ 'url': '" + BrightData + "', 'cost': {} }", "pools[0].proxies[0].cost", "must give perGb, perRequest or both" },
        { "{ 'url': '" + BrightData + "', 'cost': { 'perGb': -1 } }", "pools[0].proxies[0].cost.perGb", "between 0 and 1000000" },
        { "{ 'url': '" + BrightData + "', 'cost': { 'perGb': '8' } }", "pools[0].proxies[0].cost.perGb", "must be a number, not a string" },
        { "{ 'url': '" + BrightData + "', 'cost': { 'perByte': 1 } }", "pools[0].proxies[0].cost.perByte", "unknown field" },
    };

    [Theory]
    [MemberData(nameof(InvalidEntries))]
    public void Load_InvalidBackconnectOrCost_ReportsPathAndReason(string entry, string path, string reason) =>
        SingleError(Pool(entry), path, reason);

    [Fact]
    public void Load_InvalidPoolCost_ReportsPath() =>
        SingleError(Pool("'http://198.51.100.7:8000'", "'cost': { 'perRequest': 2000000 }, "), "pools[0].cost.perRequest", "between 0 and 1000000");

    [Fact]
    public void Load_BaseCredentialRefusal_DoesNotRevealPassword()
    {
        ConfigError error = SingleError(Pool("{ 'url': 'http://hl_1:hunter2secret@brd.superproxy.io:33335', 'kind': 'backconnect', 'dialect': 'brightdata' }"),
            "pools[0].proxies[0].url", "brightdata");

        Assert.DoesNotContain("hunter2secret", error.ToString(), StringComparison.Ordinal);
    }

    private static string? VendorSecrets(string name) => name switch
    {
        "BRD_CUSTOMER" => "hl_1",
        "BRD_PASSWORD" or "OXY_PASSWORD" or "DECODO_PASSWORD" or "IPROYAL_PASSWORD" or "SOAX_PACKAGE_KEY" or "ACME_PASSWORD" => "secret",
        _ => null,
    };

    [Fact]
    public void Load_SampleBackconnectExamplesUncommented_EveryDialectLoads()
    {
        string sample = File.ReadAllText(Path.Combine(RepositoryRoot(), "pools.sample.json"));
        int start = sample.IndexOf("/*\n        { \"url\": \"http://brd-customer", StringComparison.Ordinal);
        int end = sample.IndexOf("*/", start, StringComparison.Ordinal);
        Assert.True(start > 0 && end > start, "the sample's backconnect examples moved");
        string uncommented = sample[..start] + sample[(start + 2)..end].TrimEnd() + sample[(end + 2)..];
        uncommented = uncommented.Replace("\"type\": \"mobile\",\n          \"kind\": \"static\",                              // static (default) | backconnect\n          \"cost\": { \"perGb\": 3.5 } }",
            "\"type\": \"mobile\", \"kind\": \"static\", \"cost\": { \"perGb\": 3.5 } },", StringComparison.Ordinal);

        ProxyRotatorConfig config = ConfigLoader.LoadFromString(uncommented, "pools.sample.json", Path.GetTempPath(), VendorSecrets);

        Assert.Equal(["brightdata", "oxylabs", "decodo", "iproyal", "soax", "template"],
            config.Pools[0].Proxies.Where(p => p.Kind == UpstreamKind.Backconnect).Select(p => p.Backconnect!.DialectName));
    }
}
