using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using static ProxyRotator.UnitTests.Configuration.ConfigJson;

namespace ProxyRotator.UnitTests.Configuration;

public sealed class ConfigLoaderTests
{
    [Fact]
    public void Load_SampleFile_LoadsWithoutEnvironment()
    {
        string sample = Path.Combine(RepositoryRoot(), "pools.sample.json");

        ProxyRotatorConfig config = ConfigLoader.Load(sample, NoEnvironment);

        Assert.Equal(Path.GetFullPath(sample), config.SourcePath);
        Assert.Equal($"Data Source={Path.Combine(RepositoryRoot(), "proxyrotator.db")}", config.Database);
        Assert.Equal(["127.0.0.1:8080"], config.Gateway.Listen);
        Assert.Equal("change-me-local-only-key", config.Admin.ApiKey);
        UserOptions user = Assert.Single(config.Users);
        Assert.Equal(("scraper", "scraper-local-password"), (user.Name, user.Password));
        Assert.Equal(["*"], user.Pools);
        Assert.Equal(["res_eu", "dc_us"], config.Pools.Select(p => p.Name));
        PoolOptions eu = config.Pools[0];
        Assert.Equal(UpstreamType.Residential, eu.Type);
        Assert.Equal(2, eu.Proxies.Count);
        Assert.Equal(new UpstreamEndpoint(UpstreamScheme.Http, "198.51.100.7", 8000, "user", "pass"), eu.Proxies[0].Endpoint);
        ProxyEntryOptions tagged = eu.Proxies[1];
        Assert.Equal((UpstreamScheme.Socks5, "DE", "berlin", UpstreamType.Mobile), (tagged.Endpoint.Scheme, tagged.Country, tagged.City, tagged.Type));
        Assert.Empty(eu.Providers);
        Assert.Equal("new_york", config.Pools[1].Proxies[0].City);
        Assert.Null(config.GeoIp.CountryDb);
    }

    [Fact]
    public void Load_SampleFileWithEnvironment_UsesVariablesOverDefaults()
    {
        var environment = new Dictionary<string, string>
        {
            ["PROXYROTATOR_API_KEY"] = "a-real-production-key-0123456789",
            ["SCRAPER_PASSWORD"] = "from-env",
            ["RES_EU_PASSWORD"] = "pass%40word",
        };

        ProxyRotatorConfig config = ConfigLoader.Load(Path.Combine(RepositoryRoot(), "pools.sample.json"), environment.GetValueOrDefault);

        Assert.Equal("a-real-production-key-0123456789", config.Admin.ApiKey);
        Assert.Equal("from-env", config.Users[0].Password);
        Assert.Equal("pass@word", config.Pools[0].Proxies[0].Endpoint.Password);
    }

    [Fact]
    public void LoadFromString_MinimalDocument_KeepsDefaults()
    {
        ProxyRotatorConfig config = Load(Document(string.Empty));

        var defaults = new ProxyRotatorConfig();
        Assert.Equal(defaults.Gateway.Listen, config.Gateway.Listen);
        Assert.Equal(defaults.Gateway.MaxAttempts, config.Gateway.MaxAttempts);
        Assert.Equal(defaults.HealthCheck.Interval, config.HealthCheck.Interval);
        Assert.Equal(defaults.Sessions.MaxTtl, config.Sessions.MaxTtl);
        Assert.Empty(config.Pools);
        Assert.Empty(config.Users);
        Assert.Null(config.SourcePath);
    }

    [Fact]
    public void LoadFromString_CommentsAndTrailingCommas_AreAccepted()
    {
        const string json = """
            // a comment before everything
            {
              /* block comment */
              "admin": { "apiKey": "0123456789abcdef", }, // trailing comma in an object
              "gateway": { "listen": ["127.0.0.1:9080", "[::1]:9080",], "maxAttempts": 5 },
            }
            """;

        ProxyRotatorConfig config = Load(json);

        Assert.Equal(["127.0.0.1:9080", "[::1]:9080"], config.Gateway.Listen);
        Assert.Equal(5, config.Gateway.MaxAttempts);
    }

    [Fact]
    public void LoadFromString_EveryGatewayField_IsRead()
    {
        ProxyRotatorConfig config = Load(Document(
            "'gateway': { 'listen': '*:3128', 'connectTimeout': '500ms', 'responseTimeout': '1m', 'headerTimeout': '3s', 'idleTimeout': '1h30m', " +
            "'maxHeaderBytes': 1024, 'maxConnections': 5, 'maxAttempts': 10, 'allowPrivateTargets': true, 'exposeUpstreamHeaders': false, 'httpRelay': false, " +
            "'allowedTargets': ['169.254.169.254', '10.1.0.0/16', 'metadata.internal'] }"));

        GatewayOptions gateway = config.Gateway;
        Assert.Equal(["*:3128"], gateway.Listen);
        Assert.Equal(TimeSpan.FromMilliseconds(500), gateway.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), gateway.ResponseTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), gateway.HeaderTimeout);
        Assert.Equal(TimeSpan.FromMinutes(90), gateway.IdleTimeout);
        Assert.Equal((1024, 5, 10, true, false), (gateway.MaxHeaderBytes, gateway.MaxConnections, gateway.MaxAttempts, gateway.AllowPrivateTargets, gateway.ExposeUpstreamHeaders));
        Assert.Equal(["169.254.169.254", "10.1.0.0/16", "metadata.internal"], gateway.AllowedTargets);
        Assert.False(gateway.HttpRelay);
    }

    [Fact]
    public void LoadFromString_HealthSessionsAndProviders_AreRead()
    {
        ProxyRotatorConfig config = Load(Document(
            "'healthCheck': { 'url': 'http://127.0.0.1:9/ip', 'interval': '30s', 'timeout': '2s', 'concurrency': 8, 'quarantineAfterFailures': 5, " +
            "'reviveAfterSuccesses': 1, 'retireAfter': '2h', 'retireAfterFailedRechecks': 7, 'maxBackoff': '5m' }, " +
            "'sessions': { 'defaultTtl': '1m', 'maxTtl': '1m', 'maxPerAccount': 50, 'maxTotal': 700 }, " +
            "'pools': [ { 'name': 'p1', 'type': 'ISP', 'providers': [ { 'name': 'acme', 'url': 'https://api.acme.example/v1', 'apiKey': '${ACME}', 'refresh': '1h', " +
            "'headers': { 'X-Account': '42' }, 'fieldMap': { 'url': 'proxy', 'country': 'cc' } } ] } ]"),
            name => name == "ACME" ? "acme-key" : null);

        HealthCheckOptions health = config.HealthCheck;
        Assert.Equal(("http://127.0.0.1:9/ip", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2), 8), (health.Url, health.Interval, health.Timeout, health.Concurrency));
        Assert.Equal((5, 1, TimeSpan.FromHours(2), 7, TimeSpan.FromMinutes(5)),
            (health.QuarantineAfterFailures, health.ReviveAfterSuccesses, health.RetireAfter, health.RetireAfterFailedRechecks, health.MaxBackoff));
        Assert.Equal((TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)), (config.Sessions.DefaultTtl, config.Sessions.MaxTtl));
        Assert.Equal((50, 700), (config.Sessions.MaxPerAccount, config.Sessions.MaxTotal));
        PoolOptions pool = Assert.Single(config.Pools);
        Assert.Equal(UpstreamType.Isp, pool.Type);
        ProviderOptions provider = Assert.Single(pool.Providers);
        Assert.Equal(("acme", "https://api.acme.example/v1", "acme-key", TimeSpan.FromHours(1)), (provider.Name, provider.Url, provider.ApiKey, provider.Refresh));
        Assert.Equal("42", provider.Headers["X-Account"]);
        Assert.Equal(new Dictionary<string, string> { ["url"] = "proxy", ["country"] = "cc" }, provider.FieldMap);
    }

    [Fact]
    public void LoadFromString_ProxyTags_AreNormalized()
    {
        ProxyRotatorConfig config = Load(Document(
            "'pools': [ { 'name': 'eu', 'proxies': [ { 'url': 'SOCKS5H://u:p@198.51.100.9:1080', 'country': 'de', 'city': 'Frankfurt am Main', 'type': 'Mobile' }, 'http://[2001:db8::1]:3128', { 'url': 'http://198.51.100.10:80', 'country': 'uk' } ] } ]"));

        ProxyEntryOptions tagged = config.Pools[0].Proxies[0];
        Assert.Equal((UpstreamScheme.Socks5, "DE", "frankfurt_am_main", UpstreamType.Mobile), (tagged.Endpoint.Scheme, tagged.Country, tagged.City, tagged.Type));
        ProxyEntryOptions plain = config.Pools[0].Proxies[1];
        Assert.Equal(("2001:db8::1", 3128), (plain.Endpoint.Host, plain.Endpoint.Port));
        Assert.Null(plain.Type);
        Assert.Null(plain.Country);
        Assert.Equal("GB", config.Pools[0].Proxies[2].Country); // UK is the common alias the gateway accepts too
    }

    [Fact]
    public void LoadFromString_SameProxyInTwoPools_IsAllowed()
    {
        ProxyRotatorConfig config = Load(Document(
            "'pools': [ { 'name': 'a', 'proxies': ['http://198.51.100.1:80'] }, { 'name': 'b', 'proxies': ['http://198.51.100.1:80'] } ]"));

        Assert.Equal(2, config.Pools.Count);
    }

    [Fact]
    public void LoadFromString_UserPools_AcceptsKnownPoolsAndStar()
    {
        ProxyRotatorConfig config = Load(Document(
            "'pools': [ { 'name': 'eu' }, { 'name': 'us' } ], 'users': [ { 'name': 'a', 'password': 'p', 'pools': ['eu', 'us'] }, { 'name': 'b.c_d', 'password': 'q' } ]"));

        Assert.Equal(["eu", "us"], config.Users[0].Pools);
        Assert.Equal(["*"], config.Users[1].Pools);
        Assert.True(config.Users[1].MayUsePool("eu"));
    }

    [Fact]
    public void LoadFromString_EnvironmentSubstitution_WorksInEveryString()
    {
        var environment = new Dictionary<string, string>
        {
            ["KEY"] = "0123456789abcdef0123",
            ["PORT_HOST"] = "127.0.0.1:9999",
            ["PW"] = "pw",
        };

        ProxyRotatorConfig config = Load(
            "{ 'admin': { 'apiKey': '${KEY}' }, 'gateway': { 'listen': '${PORT_HOST}' }, 'users': [ { 'name': 'a', 'password': 'x${PW}y$${PW}' } ] }".Replace('\'', '"'),
            environment.GetValueOrDefault);

        Assert.Equal("0123456789abcdef0123", config.Admin.ApiKey);
        Assert.Equal(["127.0.0.1:9999"], config.Gateway.Listen);
        Assert.Equal("xpwy${PW}", config.Users[0].Password);
    }

    [Theory]
    [InlineData("proxyrotator.db")]
    [InlineData("Data Source=proxyrotator.db")]
    [InlineData("Data Source=./data/../proxyrotator.db;Cache=Shared")]
    public void LoadFromString_RelativeDatabase_IsResolvedAgainstTheFilesDirectory(string database)
    {
        string directory = Path.GetTempPath();

        ProxyRotatorConfig config = Load(Document($"'database': '{database}'"), baseDirectory: directory);

        Assert.Contains($"Data Source={Path.Combine(Path.GetFullPath(directory), "proxyrotator.db")}", config.Database, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Data Source=:memory:")]
    [InlineData("Data Source=file:memdb1?mode=memory&cache=shared")]
    public void LoadFromString_InMemoryDatabase_IsKept(string database) =>
        Assert.Equal(database, Load(Document($"'database': '{database}'")).Database);

    [Theory]
    [InlineData("postgres://proxy:secret@db.example:5432/proxyrotator")]
    [InlineData("postgresql://proxy@db.example/proxyrotator?sslmode=require")]
    [InlineData("Host=db.example;Port=5432;Username=proxy;Password=secret;Database=proxyrotator")]
    public void LoadFromString_PostgreSqlDatabase_IsKeptAsGiven(string database) =>
        Assert.Equal(database, Load(Document($"'database': '{database}'")).Database);

    [Fact]
    public void LoadFromString_EmptyGeoIpPath_MeansNotConfigured()
    {
        ProxyRotatorConfig config = Load(Document("'geoip': { 'countryDb': '${GEOIP_DB:-}', 'connectionTypeDb': null }"));

        Assert.Null(config.GeoIp.CountryDb);
        Assert.Null(config.GeoIp.ConnectionTypeDb);
    }

    [Fact]
    public void ConfigException_Message_ListsEveryError()
    {
        var exception = new ConfigException([new ConfigError("a.json", "x", "bad"), new ConfigError("a.json", "y.z[1]", "worse")]);

        Assert.Contains("a.json: x: bad", exception.Message, StringComparison.Ordinal);
        Assert.Contains("a.json: y.z[1]: worse", exception.Message, StringComparison.Ordinal);
    }
}
