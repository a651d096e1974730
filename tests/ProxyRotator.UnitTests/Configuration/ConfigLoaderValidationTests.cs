using ProxyRotator.Core.Configuration;
using static ProxyRotator.UnitTests.Configuration.ConfigJson;

namespace ProxyRotator.UnitTests.Configuration;

/// <summary>One case per validation rule: the document, the JSON path the error must name and what it must say.</summary>
public sealed class ConfigLoaderValidationTests
{
    public static TheoryData<string, string, string> InvalidDocuments => new()
    {
        // unknown fields and wrong types
        { "'gatway': {}", "gatway", "unknown field (did you mean 'gateway'?)" },
        { "'gateway': { 'maxAttempt': 3 }", "gateway.maxAttempt", "did you mean 'maxAttempts'?" },
        { "'gateway': { 'MaxAttempts': 3 }", "gateway.MaxAttempts", "did you mean 'maxAttempts'?" },
        { "'sessions': { 'ttl': '5m' }", "sessions.ttl", "unknown field (known here: defaultTtl, maxPerAccount, maxTotal, maxTtl, sharedTimeout, vendorKey)" },
        { "'gateway': { 'maxAttempts': '3' }", "gateway.maxAttempts", "must be a whole number, not a string" },
        { "'gateway': { 'maxAttempts': 2.5 }", "gateway.maxAttempts", "must be a whole number" },
        { "'gateway': { 'allowPrivateTargets': 'yes' }", "gateway.allowPrivateTargets", "must be true or false" },
        { "'gateway': { 'allowedTargets': '10.0.0.0/8' }", "gateway.allowedTargets", "must be an array" },
        { "'gateway': { 'allowedTargets': ['10.0.0.0/33'] }", "gateway.allowedTargets[0]", "is not an IP address, a network" },
        { "'gateway': { 'allowedTargets': ['bad host!'] }", "gateway.allowedTargets[0]", "is not an IP address, a network" },
        { "'gateway': { 'exposeUpstreamHeaders': 1 }", "gateway.exposeUpstreamHeaders", "must be true or false" },
        { "'gateway': []", "gateway", "must be an object, not an array" },
        { "'users': {}", "users", "must be an array, not an object" },
        { "'database': 5", "database", "must be a string" },
        { "'gateway': { 'maxAttempts': 3, 'maxAttempts': 4 }", "gateway.maxAttempts", "appears more than once" },

        // durations
        { "'gateway': { 'connectTimeout': 5 }", "gateway.connectTimeout", "must be a duration string such as \"5s\"" },
        { "'gateway': { 'connectTimeout': '5 seconds' }", "gateway.connectTimeout", "is not a duration" },
        { "'gateway': { 'connectTimeout': '5y' }", "gateway.connectTimeout", "unknown unit 'y'" },
        { "'gateway': { 'connectTimeout': '0s' }", "gateway.connectTimeout", "must be a positive duration" },
        { "'gateway': { 'connectTimeout': '1h' }", "gateway.connectTimeout", "between 50ms and 5m" },
        { "'gateway': { 'responseTimeout': '50ms' }", "gateway.responseTimeout", "between 100ms and 1h" },
        { "'gateway': { 'headerTimeout': '11m' }", "gateway.headerTimeout", "between 100ms and 10m" },
        { "'gateway': { 'idleTimeout': '500ms' }", "gateway.idleTimeout", "between 1s and 7d" },

        // gateway limits
        { "'gateway': { 'maxHeaderBytes': 512 }", "gateway.maxHeaderBytes", "between 1024 and 1048576" },
        { "'gateway': { 'maxHeaderBytes': 2000000 }", "gateway.maxHeaderBytes", "between 1024 and 1048576" },
        { "'gateway': { 'maxConnections': 0 }", "gateway.maxConnections", "between 1 and 1000000" },
        { "'gateway': { 'maxAttempts': 0 }", "gateway.maxAttempts", "between 1 and 10" },
        { "'gateway': { 'maxAttempts': 11 }", "gateway.maxAttempts", "between 1 and 10" },

        // listen addresses
        { "'gateway': { 'listen': ['127.0.0.1'] }", "gateway.listen[0]", "is not 'host:port'" },
        { "'gateway': { 'listen': ['127.0.0.1:0'] }", "gateway.listen[0]", "the port must be 1-65535" },
        { "'gateway': { 'listen': ['127.0.0.1:70000'] }", "gateway.listen[0]", "the port must be 1-65535" },
        { "'gateway': { 'listen': ['proxy.example.com:8080'] }", "gateway.listen[0]", "the host must be an IP address" },
        { "'gateway': { 'listen': ['::1:8080'] }", "gateway.listen[0]", "IPv6 addresses in brackets" },
        { "'gateway': { 'listen': ['127.0.0.1:8080', '127.0.0.1:8080'] }", "gateway.listen[1]", "is listed twice (also gateway.listen[0])" },
        { "'gateway': { 'listen': [] }", "gateway.listen", "at least one" },
        { "'gateway': { 'listen': 8080 }", "gateway.listen", "must be a 'host:port' string or an array" },
        { "'gateway': { 'listen': '*:9000' }, 'admin': { 'listen': '127.0.0.1:9000', 'apiKey': '0123456789abcdef' }", "admin.listen", "collides with the gateway listener" },
        { "'admin': { 'listen': 'localhost', 'apiKey': '0123456789abcdef' }", "admin.listen", "is not 'host:port'" },

        // admin key
        { "'admin': { 'apiKey': 'short' }", "admin.apiKey", "too short" },
        { "'admin': { 'apiKey': '' }", "admin.apiKey", "is empty;" },
        { "'admin': { 'listen': '127.0.0.1:8081' }", "admin.apiKey", "is required" },
        { "'admin': { 'apiKey': null }", "admin.apiKey", "is required" },

        // users
        { "'users': [ { 'password': 'p' } ]", "users[0].name", "is required" },
        { "'users': [ { 'name': '', 'password': 'p' } ]", "users[0].name", "must not be empty" },
        { "'users': [ { 'name': 'scraper-1', 'password': 'p' } ]", "users[0].name", "'-' starts targeting parameters" },
        { "'users': [ { 'name': 'a', 'password': 'p' }, { 'name': 'A', 'password': 'q' } ]", "users[1].name", "duplicate user name 'A' (also users[0])" },
        { "'users': [ { 'name': 'a' } ]", "users[0].password", "is required" },
        { "'users': [ { 'name': 'a', 'password': '' } ]", "users[0].password", "is empty" },
        { "'users': [ { 'name': 'a', 'password': 'p', 'pools': ['nope'] } ]", "users[0].pools[0]", "unknown pool 'nope' (no pools are defined)" },
        { "'pools': [ { 'name': 'eu' } ], 'users': [ { 'name': 'a', 'password': 'p', 'pools': ['us'] } ]", "users[0].pools[0]", "unknown pool 'us' (pools: eu;" },
        { "'users': [ { 'name': 'a', 'password': 'p', 'pools': [] } ]", "users[0].pools", "at least one pool" },
        { "'users': [ { 'name': 'a', 'password': 'p', 'pool': ['*'] } ]", "users[0].pool", "did you mean 'pools'?" },

        // pools
        { "'pools': [ { 'type': 'mobile' } ]", "pools[0].name", "is required" },
        { "'pools': [ { 'name': 'res-eu' } ]", "pools[0].name", "must be 1-64 characters of a-z, 0-9 and '_'" },
        { "'pools': [ { 'name': 'ResEU' } ]", "pools[0].name", "must be 1-64 characters of a-z, 0-9 and '_'" },
        { "'pools': [ { 'name': 'eu' }, { 'name': 'eu' } ]", "pools[1].name", "duplicate pool name 'eu' (also pools[0])" },
        { "'pools': [ { 'name': 'eu', 'type': 'residental' } ]", "pools[0].type", "unknown type 'residental' (expected residential, mobile, datacenter or isp)" },
        { "'pools': [ { 'name': 'eu', 'type': '2' } ]", "pools[0].type", "unknown type '2'" },
        { "'pools': [ { 'name': 'eu', 'proxies': 'http://198.51.100.1:80' } ]", "pools[0].proxies", "must be an array" },

        // proxies
        { "'pools': [ { 'name': 'eu', 'proxies': ['http://198.51.100.1:80', 'htp://198.51.100.2:80'] } ]", "pools[0].proxies[1]", "unknown scheme 'htp'" },
        { "'pools': [ { 'name': 'eu', 'proxies': ['http://198.51.100.1'] } ]", "pools[0].proxies[0]", "port is missing" },
        { "'pools': [ { 'name': 'eu', 'proxies': ['198.51.100.1:80'] } ]", "pools[0].proxies[0]", "is not a URL" },
        { "'pools': [ { 'name': 'eu', 'proxies': [''] } ]", "pools[0].proxies[0]", "empty proxy URL" },
        { "'pools': [ { 'name': 'eu', 'proxies': [42] } ]", "pools[0].proxies[0]", "must be a proxy URL string or an object" },
        { "'pools': [ { 'name': 'eu', 'proxies': [ { 'country': 'DE' } ] } ]", "pools[0].proxies[0].url", "is required" },
        { "'pools': [ { 'name': 'eu', 'proxies': [ { 'url': 'ftp://198.51.100.1:21' } ] } ]", "pools[0].proxies[0].url", "unknown scheme 'ftp'" },
        { "'pools': [ { 'name': 'eu', 'proxies': [ { 'url': 'http://198.51.100.1:80', 'contry': 'DE' } ] } ]", "pools[0].proxies[0].contry", "did you mean 'country'?" },
        { "'pools': [ { 'name': 'eu', 'proxies': [ { 'url': 'http://198.51.100.1:80', 'country': 'XX' } ] } ]", "pools[0].proxies[0].country", "'XX' is not an ISO 3166-1 alpha-2 country code" },
        { "'pools': [ { 'name': 'eu', 'proxies': [ { 'url': 'http://198.51.100.1:80', 'country': 'DEU' } ] } ]", "pools[0].proxies[0].country", "not an ISO 3166-1 alpha-2" },
        { "'pools': [ { 'name': 'eu', 'proxies': [ { 'url': 'http://198.51.100.1:80', 'city': 'new york!' } ] } ]", "pools[0].proxies[0].city", "is not a city name" },
        { "'pools': [ { 'name': 'eu', 'proxies': [ { 'url': 'http://198.51.100.1:80', 'type': 'cellular' } ] } ]", "pools[0].proxies[0].type", "unknown type 'cellular'" },
        { "'pools': [ { 'name': 'eu', 'proxies': ['http://a:b@198.51.100.1:80', 'http://c:d@198.51.100.1:80'] } ]", "pools[0].proxies[1]", "duplicate proxy http://198.51.100.1:80 (same scheme, host and port as pools[0].proxies[0])" },
        { "'pools': [ { 'name': 'eu', 'proxies': ['socks5://198.51.100.1:1080', { 'url': 'socks5h://198.51.100.1:1080' }] } ]", "pools[0].proxies[1]", "duplicate proxy" },

        // providers
        { "'pools': [ { 'name': 'eu', 'providers': [ { 'url': 'https://api.example/p' } ] } ]", "pools[0].providers[0].name", "is required" },
        { "'pools': [ { 'name': 'eu', 'providers': [ { 'name': 'a b', 'url': 'https://api.example/p' } ] } ]", "pools[0].providers[0].name", "must be 1-64 letters" },
        { "'pools': [ { 'name': 'eu', 'providers': [ { 'name': 'acme' } ] } ]", "pools[0].providers[0].url", "is required" },
        { "'pools': [ { 'name': 'eu', 'providers': [ { 'name': 'acme', 'url': '/v1/proxies' } ] } ]", "pools[0].providers[0].url", "not an absolute http:// or https:// URL" },
        { "'pools': [ { 'name': 'eu', 'providers': [ { 'name': 'acme', 'url': 'ftp://api.example/p' } ] } ]", "pools[0].providers[0].url", "not an absolute http:// or https:// URL" },
        { "'pools': [ { 'name': 'eu', 'providers': [ { 'name': 'acme', 'url': 'https://api.example/p', 'refresh': '1s' } ] } ]", "pools[0].providers[0].refresh", "between 10s and 7d" },
        { "'pools': [ { 'name': 'eu', 'providers': [ { 'name': 'acme', 'url': 'https://api.example/p', 'fieldMap': { 'ip': 'addr' } } ] } ]", "pools[0].providers[0].fieldMap.ip", "unknown field 'ip'" },
        { "'pools': [ { 'name': 'eu', 'providers': [ { 'name': 'acme', 'url': 'https://api.example/p', 'fieldMap': { 'url': '' } } ] } ]", "pools[0].providers[0].fieldMap.url", "must name the provider's JSON field" },
        { "'pools': [ { 'name': 'eu', 'providers': [ { 'name': 'acme', 'url': 'https://api.example/p', 'headers': { 'X Bad': 'v' } } ] } ]", "pools[0].providers[0].headers[\"X Bad\"]", "not a valid HTTP header name" },
        { "'pools': [ { 'name': 'eu', 'providers': [ { 'name': 'acme', 'url': 'https://api.example/p', 'headers': { 'X-A': 1 } } ] } ]", "pools[0].providers[0].headers[\"X-A\"]", "must be a string" },
        { "'pools': [ { 'name': 'eu', 'providers': [ { 'name': 'acme', 'url': 'https://a.example/p' }, { 'name': 'ACME', 'url': 'https://b.example/p' } ] } ]", "pools[0].providers[1].name", "duplicate provider name 'ACME'" },
        { "'pools': [ { 'name': 'eu', 'providers': [ { 'name': 'acme', 'url': 'https://api.example/p', 'apikey': 'k' } ] } ]", "pools[0].providers[0].apikey", "did you mean 'apiKey'?" },

        // health checks
        { "'healthCheck': { 'url': 'api.ipify.org' }", "healthCheck.url", "not an absolute http:// or https:// URL" },
        { "'healthCheck': { 'url': 'socks5://198.51.100.1:1080' }", "healthCheck.url", "not an absolute http:// or https:// URL" },
        { "'healthCheck': { 'interval': '0s' }", "healthCheck.interval", "must be a positive duration" },
        { "'healthCheck': { 'interval': '30s', 'timeout': '30s' }", "healthCheck.timeout", "must be shorter than healthCheck.interval" },
        { "'healthCheck': { 'interval': '5s' }", "healthCheck.interval", "healthCheck.timeout (10s) must be shorter than healthCheck.interval (5s)" },
        { "'healthCheck': { 'concurrency': 0 }", "healthCheck.concurrency", "between 1 and 1024" },
        { "'healthCheck': { 'concurrency': 1025 }", "healthCheck.concurrency", "between 1 and 1024" },
        { "'healthCheck': { 'quarantineAfterFailures': 0 }", "healthCheck.quarantineAfterFailures", "between 1 and 100" },
        { "'healthCheck': { 'reviveAfterSuccesses': 101 }", "healthCheck.reviveAfterSuccesses", "between 1 and 100" },
        { "'healthCheck': { 'retireAfter': '10s' }", "healthCheck.retireAfter", "between 1m and 365d" },
        { "'healthCheck': { 'retireAfterFailedRechecks': 0 }", "healthCheck.retireAfterFailedRechecks", "between 1 and 100000" },
        { "'healthCheck': { 'maxBackoff': '8d' }", "healthCheck.maxBackoff", "between 1s and 7d" },

        // sessions
        { "'sessions': { 'defaultTtl': '2d', 'maxTtl': '1d' }", "sessions.defaultTtl", "must not exceed sessions.maxTtl" },
        { "'sessions': { 'maxTtl': '5m' }", "sessions.maxTtl", "sessions.defaultTtl (10m) must not exceed sessions.maxTtl (5m)" },
        { "'sessions': { 'defaultTtl': '30s' }", "sessions.defaultTtl", "between 1m and 30d" },
        { "'sessions': { 'maxTtl': '31d' }", "sessions.maxTtl", "between 1m and 30d" },
        { "'sessions': { 'maxPerAccount': 0 }", "sessions.maxPerAccount", "between 1 and 10000000" },
        { "'sessions': { 'maxTotal': 10000001 }", "sessions.maxTotal", "between 1 and 10000000" },

        // geoip and database files
        { "'geoip': { 'countryDb': 'no-such-GeoLite2-Country.mmdb' }", "geoip.countryDb", "does not exist" },
        { "'geoip': { 'connectionTypeDb': 'no-such-Connection-Type.mmdb' }", "geoip.connectionTypeDb", "does not exist" },
        { "'geoip': { 'cityDb': 'x.mmdb' }", "geoip.cityDb", "unknown field (known here: connectionTypeDb, countryDb)" },
        { "'database': ''", "database", "must not be empty" },
        { "'database': 'Data Source=\\\"unterminated'", "database", "is not a valid connection string" },
        { "'database': 'postgres://user:secret@:5432/db'", "database", "is not a valid PostgreSQL URL" },
    };

    [Theory]
    [MemberData(nameof(InvalidDocuments))]
    public void LoadFromString_InvalidField_ReportsPathAndReason(string fields, string path, string reason) =>
        SingleError(Document(fields), path, reason);

    [Fact]
    public void LoadFromString_RootIsNotAnObject_ReportsRoot() =>
        SingleError("[]", "$", "must be an object, not an array");

    [Fact]
    public void LoadFromString_AdminMissing_ReportsApiKeyRequired() =>
        SingleError("{}", "admin.apiKey", "is required");

    [Fact]
    public void LoadFromString_InvalidJson_ReportsLineAndColumn()
    {
        ConfigError error = SingleError("{\n  \"admin\": {\n    \"apiKey\": 'x'\n  }\n}", "$", "invalid JSON at line 3");
        Assert.Contains("column 15", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFromString_SeveralProblems_ReportsEveryOne()
    {
        IReadOnlyList<ConfigError> errors = Errors(Document(
            "'gateway': { 'maxAttempts': 0, 'connectTimeout': 'soon' }, 'pools': [ { 'name': 'a-b', 'proxies': ['htp://198.51.100.1:1'] } ]"));

        Assert.Equal(
            ["gateway.connectTimeout", "gateway.maxAttempts", "pools[0].name", "pools[0].proxies[0]"],
            errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void LoadFromString_MissingEnvironmentVariable_NamesVariableAndPath()
    {
        string json = Document("'users': [ { 'name': 'scraper', 'password': '${SCRAPER_PASSWORD}' } ]");

        ConfigError error = SingleError(json, "users[0].password", "environment variable 'SCRAPER_PASSWORD' is not set");

        Assert.Equal("pools.json: users[0].password: environment variable 'SCRAPER_PASSWORD' is not set (set it, or write ${SCRAPER_PASSWORD:-default})", error.ToString());
    }

    [Fact]
    public void LoadFromString_ApiKeyEmptyAfterSubstitution_SaysSo() =>
        SingleError(
            "{ 'admin': { 'apiKey': '${KEY}' } }".Replace('\'', '"'),
            "admin.apiKey",
            "is empty after substituting environment variables",
            name => name == "KEY" ? string.Empty : null);

    [Fact]
    public void LoadFromString_MalformedReference_ReportsPath() =>
        SingleError(Document("'users': [ { 'name': 'a', 'password': '${NOT CLOSED' } ]"), "users[0].password", "without a closing '}'");

    [Fact]
    public void LoadFromString_InvalidProxyWithPassword_DoesNotRevealPassword()
    {
        IReadOnlyList<ConfigError> errors = Errors(Document("'pools': [ { 'name': 'eu', 'proxies': ['http://user:s3cr3t-pw@198.51.100.1:99999', 'http:/user:s3cr3t-pw@x'] } ]"));

        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.DoesNotContain("s3cr3t-pw", e.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void LoadFromString_ShortApiKey_DoesNotRevealKey()
    {
        ConfigError error = SingleError("{ 'admin': { 'apiKey': 'hunter2secret' } }".Replace('\'', '"'), "admin.apiKey", "too short");

        Assert.DoesNotContain("hunter2secret", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFromString_FileThatIsNotAMaxMindDatabase_ReportsIt()
    {
        string directory = Directory.CreateTempSubdirectory("proxyrotator-config-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "fake.mmdb"), "not a database");

            SingleError(Document("'geoip': { 'countryDb': 'fake.mmdb' }"), "geoip.countryDb", "is not a readable MaxMind database", baseDirectory: directory);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Load_MissingFile_ReportsFileAsGiven()
    {
        ConfigException exception = Assert.Throws<ConfigException>(() => ConfigLoader.Load("no-such-dir-7d1c/pools.json", NoEnvironment));

        Assert.Equal("no-such-dir-7d1c/pools.json: $: the file does not exist", Assert.Single(exception.Errors).ToString());
    }

    /// <summary>Found by <c>ConfigLoaderFuzzTests</c>: a NUL in a path escaped as an ArgumentException instead of a config error.</summary>
    [Theory]
    [InlineData("'geoip': { 'countryDb': 'a\\u0000b.mmdb' }", "geoip.countryDb", "is not a file path")]
    [InlineData("'geoip': { 'connectionTypeDb': '\\u0000' }", "geoip.connectionTypeDb", "is not a file path")]
    public void LoadFromString_NulInAFilePath_IsAConfigError(string fields, string path, string reason) =>
        SingleError(Document(fields), path, reason);
}
