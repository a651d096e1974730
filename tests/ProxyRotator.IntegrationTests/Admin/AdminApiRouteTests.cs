using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.Admin.Health;
using ProxyRotator.Core.Outcomes;

namespace ProxyRotator.IntegrationTests.Admin;

public sealed class AdminApiRouteTests : AdminApiTestBase
{
    private readonly IAdminHealthChecks _checks = Substitute.For<IAdminHealthChecks>();

    internal override void ConfigureServices(IServiceCollection services) => services.AddSingleton(_checks);

    [Fact]
    public async Task GetPools_ReturnsCountsByStatusAndProviders()
    {
        JsonElement pools = await GetJsonAsync("/api/pools");

        Assert.Equal(["dc", "res-eu"], pools.EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        JsonElement res = pools[1];
        Assert.Equal("residential", res.GetProperty("type").GetString());
        Assert.Equal(4, res.GetProperty("total").GetInt32());
        JsonElement counts = res.GetProperty("counts");
        Assert.Equal((1, 2, 1, 0), (counts.GetProperty("pending").GetInt32(), counts.GetProperty("active").GetInt32(),
            counts.GetProperty("quarantined").GetInt32(), counts.GetProperty("retired").GetInt32()));
        JsonElement provider = res.GetProperty("providers").EnumerateArray().Single();
        Assert.Equal("acme", provider.GetProperty("name").GetString());
        Assert.Equal("http://127.0.0.1:1/v1/proxies?token=***", provider.GetProperty("url").GetString());
        Assert.Equal(1, pools[0].GetProperty("counts").GetProperty("retired").GetInt32());
    }

    [Fact]
    public async Task GetProxies_Default_ListsLiveUpstreamsWithMaskedUrls()
    {
        JsonElement page = await GetJsonAsync("/api/proxies");

        Assert.Equal((5, 1, 100), (page.GetProperty("total").GetInt32(), page.GetProperty("page").GetInt32(), page.GetProperty("pageSize").GetInt32()));
        JsonElement first = page.GetProperty("items")[0];
        Assert.Equal("http://alice:***@127.0.3.1:8001", first.GetProperty("url").GetString());
        Assert.Equal(("res-eu", "residential", "DE", "DE", "active"), (
            first.GetProperty("pool").GetString(), first.GetProperty("type").GetString(), first.GetProperty("declaredCountry").GetString(),
            first.GetProperty("verifiedCountry").GetString(), first.GetProperty("status").GetString()));
        Assert.Equal(0.91, first.GetProperty("score").GetDouble());
        Assert.Equal(120.4, first.GetProperty("latencyMs").GetDouble());
        Assert.Equal(0.98, first.GetProperty("successRate").GetDouble());
        Assert.Equal("127.0.3.1", first.GetProperty("exitIp").GetString());
        foreach (string field in new[] { "id", "connectionType", "lastCheckedAt", "lastError", "statusReason", "source" })
        {
            Assert.True(first.TryGetProperty(field, out _), field);
        }

        Assert.DoesNotContain(page.GetProperty("items").EnumerateArray(), u => u.GetProperty("status").GetString() == "retired");
    }

    [Theory]
    [InlineData("?pool=dc", 1)]
    [InlineData("?pool=dc&status=all", 2)]
    [InlineData("?status=retired", 1)]
    [InlineData("?status=active", 3)]
    [InlineData("?status=active,quarantined", 4)]
    [InlineData("?type=mobile", 1)]
    [InlineData("?country=de", 2)]
    [InlineData("?country=US&status=all", 2)]
    [InlineData("?pool=res-eu&type=residential&country=NL", 1)]
    [InlineData("?pool=nope", 0)]
    public async Task GetProxies_Filters_MatchTheRightUpstreams(string query, int expected)
    {
        JsonElement page = await GetJsonAsync("/api/proxies" + query);

        Assert.Equal(expected, page.GetProperty("total").GetInt32());
        Assert.Equal(expected, page.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task GetProxies_Paging_SplitsInIdOrder()
    {
        JsonElement first = await GetJsonAsync("/api/proxies?status=all&pageSize=4");
        JsonElement second = await GetJsonAsync("/api/proxies?status=all&pageSize=4&page=2");

        Assert.Equal(6, first.GetProperty("total").GetInt32());
        long[] ids = [.. first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(u => u.GetProperty("id").GetInt64())];
        Assert.Equal(6, ids.Length);
        Assert.Equal(ids.Order(), ids);
    }

    [Theory]
    [InlineData("?status=dead", "status")]
    [InlineData("?type=ufo", "type")]
    [InlineData("?country=Germany", "country")]
    [InlineData("?page=0", "page")]
    [InlineData("?pageSize=5000", "pageSize")]
    public async Task GetProxies_BadParameter_Returns400NamingIt(string query, string field)
    {
        using HttpResponseMessage response = await Client.GetAsync("/api/proxies" + query);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task PostProxies_NewUpstream_AddsItAsPendingWithMaskedUrl()
    {
        using HttpResponseMessage response = await Client.PostAsync("/api/proxies",
            Body(new { url = "socks5h://zed:Very-Secret-1@127.0.5.1:1080", pool = "dc", type = "isp", country = "gb", city = "New York" }));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        JsonElement added = await ReadJsonAsync(response);
        Assert.Equal(("socks5://zed:***@127.0.5.1:1080", "dc", "isp", "GB", "new_york", "pending", "admin"), (
            added.GetProperty("url").GetString(), added.GetProperty("pool").GetString(), added.GetProperty("type").GetString(),
            added.GetProperty("declaredCountry").GetString(), added.GetProperty("city").GetString(), added.GetProperty("status").GetString(),
            added.GetProperty("source").GetString()));
        JsonElement listed = await GetJsonAsync("/api/proxies?pool=dc");
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), u => u.GetProperty("id").GetInt64() == added.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task PostProxies_AddressAlreadyLive_Returns409()
    {
        using HttpResponseMessage response = await Client.PostAsync("/api/proxies", Body(new { url = "http://127.0.4.1:3128", pool = "dc" }));

        await AssertProblemAsync(response, HttpStatusCode.Conflict, "already in pool");
    }

    [Fact]
    public async Task PostProxies_RetiredAddress_ComesBackAsPending()
    {
        using HttpResponseMessage response = await Client.PostAsync("/api/proxies", Body(new { url = "http://127.0.4.2:3128", pool = "dc" }));

        JsonElement revived = await ReadJsonAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(await Server.UpstreamIdAsync("127.0.4.2"), revived.GetProperty("id").GetInt64());
        Assert.Equal("pending", revived.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("""{"url": "htp://127.0.0.9:1", "pool": "dc"}""", "url")]
    [InlineData("""{"url": "http://127.0.0.9", "pool": "dc"}""", "url")]
    [InlineData("""{"pool": "dc"}""", "url")]
    [InlineData("""{"url": "http://127.0.0.9:1"}""", "pool")]
    [InlineData("""{"url": "http://127.0.0.9:1", "pool": "nope"}""", "pool")]
    [InlineData("""{"url": "http://127.0.0.9:1", "pool": "dc", "type": "ufo"}""", "type")]
    [InlineData("""{"url": "http://127.0.0.9:1", "pool": "dc", "country": "DEU"}""", "country")]
    public async Task PostProxies_BadInput_Returns400NamingTheField(string json, string field)
    {
        using HttpResponseMessage response = await Client.PostAsync("/api/proxies", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task PostProxies_TemplateDialect_AddsABackconnectUpstreamWithItsTemplate()
    {
        using HttpResponseMessage response = await Client.PostAsync("/api/proxies", Body(new
        {
            url = "http://acct:pw@127.0.5.9:8000",
            pool = "dc",
            kind = "backconnect",
            dialect = "template",
            countries = new[] { "us", "de" },
            template = new { username = "{user}[-cc-{country}][-sid-{session}][-ttl-{ttl}]", countryCase = "upper", ttlUnit = "seconds", sessionLength = 8 },
        }));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        JsonElement added = await ReadJsonAsync(response);
        Assert.Equal(("backconnect", "template", "DE,US"), (
            added.GetProperty("kind").GetString(), added.GetProperty("dialect").GetString(), added.GetProperty("countries").GetString()));
        Assert.Contains("{country}", await Server.DialectTemplateAsync(added.GetProperty("id").GetInt64()));
    }

    [Theory]
    [InlineData("""{"username": "{user}-cc-{nation}"}""", "template.username")]
    [InlineData("""{"username": "{user}[-cc-{country}"}""", "template.username")]
    [InlineData("""{"password": "{password}]"}""", "template.password")]
    [InlineData("""{"separator": "~"}""", "template.separator")]
    [InlineData("""{"sessionLength": 2}""", "template.sessionLength")]
    [InlineData("""{"ttlUnit": "weeks"}""", "template.ttlUnit")]
    [InlineData("""{"countryCase": "title"}""", "template.countryCase")]
    [InlineData("null", "template")]
    public async Task PostProxies_BadTemplate_Returns400NamingTheField(string template, string field)
    {
        string json = $$"""{"url": "http://127.0.5.10:8000", "pool": "dc", "kind": "backconnect", "dialect": "template", "template": {{template}}}""";

        using HttpResponseMessage response = await Client.PostAsync("/api/proxies", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task PostProxies_TemplateWithABuiltInDialect_Returns400NamingTemplate()
    {
        string json = """{"url": "http://127.0.5.11:8000", "pool": "dc", "kind": "backconnect", "dialect": "oxylabs", "template": {"username": "{user}"}}""";

        using HttpResponseMessage response = await Client.PostAsync("/api/proxies", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "template");
    }

    [Fact]
    public async Task DeleteProxy_KnownId_RetiresIt()
    {
        long id = await Server.UpstreamIdAsync("127.0.3.2");

        JsonElement retired = await ReadJsonAsync(await Client.DeleteAsync($"/api/proxies/{id}"));

        Assert.Equal(("retired", "retired by operator"), (retired.GetProperty("status").GetString(), retired.GetProperty("statusReason").GetString()));
        JsonElement live = await GetJsonAsync("/api/proxies?pool=res-eu");
        Assert.DoesNotContain(live.GetProperty("items").EnumerateArray(), u => u.GetProperty("id").GetInt64() == id);
    }

    [Fact]
    public async Task DeleteProxy_UnknownId_Returns404()
    {
        using HttpResponseMessage response = await Client.DeleteAsync("/api/proxies/987654");

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "987654");
    }

    [Fact]
    public async Task PostChecks_RunsThePassAndReturnsEveryOutcome()
    {
        _checks.RunAsync("res-eu", Arg.Any<CancellationToken>()).Returns(
        [
            new HealthCheckOutcomeDto { UpstreamId = 1, Pool = "res-eu", Success = true, Status = "active", LatencyMs = 80, ExitIp = "127.0.3.1" },
            new HealthCheckOutcomeDto { UpstreamId = 3, Pool = "res-eu", Success = false, Status = "quarantined", Error = "connection refused" },
        ]);

        JsonElement run = await ReadJsonAsync(await Client.PostAsync("/api/checks?pool=res-eu", null));

        Assert.Equal((2, 1, 1), (run.GetProperty("checked").GetInt32(), run.GetProperty("succeeded").GetInt32(), run.GetProperty("failed").GetInt32()));
        Assert.Equal("connection refused", run.GetProperty("outcomes")[1].GetProperty("error").GetString());
        await _checks.Received(1).RunAsync("res-eu", Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task PostChecks_UnknownPool_Returns400()
    {
        using HttpResponseMessage response = await Client.PostAsync("/api/checks?pool=nope", null);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "pool");
        await _checks.DidNotReceiveWithAnyArgs().RunAsync(default, default);
    }

    [Fact]
    public async Task PostProxyCheck_KnownAndUnknownIds()
    {
        _checks.RunOneAsync(5, Arg.Any<CancellationToken>()).Returns(new HealthCheckOutcomeDto { UpstreamId = 5, Success = true, LatencyMs = 12 });
        _checks.RunOneAsync(99, Arg.Any<CancellationToken>()).Returns((HealthCheckOutcomeDto?)null);

        JsonElement outcome = await ReadJsonAsync(await Client.PostAsync("/api/proxies/5/check", null));
        using HttpResponseMessage missing = await Client.PostAsync("/api/proxies/99/check", null);

        Assert.True(outcome.GetProperty("success").GetBoolean());
        await AssertProblemAsync(missing, HttpStatusCode.NotFound, "99");
    }

    [Fact]
    public async Task GetSessions_ListsLiveSessionsOnly_AndDeleteEndsOne()
    {
        JsonElement sessions = await GetJsonAsync("/api/sessions");

        JsonElement session = sessions.GetProperty("items").EnumerateArray().Single();
        Assert.Equal(1, sessions.GetProperty("total").GetInt32());
        Assert.Equal(("scraper:acct42", "scraper", "acct42", "127.0.3.1", "flex"), (
            session.GetProperty("id").GetString(), session.GetProperty("account").GetString(), session.GetProperty("sessionId").GetString(),
            session.GetProperty("exitIp").GetString(), session.GetProperty("mode").GetString()));
        Assert.Equal(await Server.UpstreamIdAsync("127.0.3.1"), session.GetProperty("upstreamId").GetInt64());
        Assert.True(session.TryGetProperty("createdAt", out _) && session.TryGetProperty("expiresAt", out _));

        using HttpResponseMessage deleted = await Client.DeleteAsync("/api/sessions/scraper:acct42");
        using HttpResponseMessage again = await Client.DeleteAsync("/api/sessions/scraper:acct42");
        using HttpResponseMessage malformed = await Client.DeleteAsync("/api/sessions/no-colon");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await AssertProblemAsync(again, HttpStatusCode.NotFound, "scraper:acct42");
        await AssertProblemAsync(malformed, HttpStatusCode.BadRequest, "id");
        Assert.Equal(0, (await GetJsonAsync("/api/sessions")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task GetStats_ReflectsGatewayCounters()
    {
        long upstream = await Server.UpstreamIdAsync("127.0.3.1");
        Server.Metrics.RecordRequest("res-eu", null);
        Server.Metrics.RecordRequest("res-eu", "no-upstream");
        Server.Metrics.RecordRetry("res-eu");
        Server.Metrics.RecordOutcome(new UpstreamOutcome(upstream, UpstreamOutcomeKind.Success, TimeSpan.FromMilliseconds(3), 300, 4000), "res-eu");
        Server.Metrics.ConnectionOpened();

        JsonElement stats = await GetJsonAsync("/api/stats");

        JsonElement total = stats.GetProperty("total");
        Assert.Equal((2L, 1L, 1L, 300L, 4000L), (total.GetProperty("requests").GetInt64(), total.GetProperty("failures").GetInt64(),
            total.GetProperty("retries").GetInt64(), total.GetProperty("bytesIn").GetInt64(), total.GetProperty("bytesOut").GetInt64()));
        Assert.Equal(1, stats.GetProperty("activeConnections").GetInt64());
        Assert.Equal(1, stats.GetProperty("activeSessions").GetInt32());
        Assert.Equal(1, stats.GetProperty("failuresByKind").GetProperty("no-upstream").GetInt64());
        JsonElement pool = stats.GetProperty("pools").EnumerateArray().Single();
        Assert.Equal(("res-eu", 2L), (pool.GetProperty("pool").GetString(), pool.GetProperty("requests").GetInt64()));
        JsonElement busiest = stats.GetProperty("upstreams")[0];
        Assert.Equal((upstream, "res-eu", 4000L), (busiest.GetProperty("id").GetInt64(), busiest.GetProperty("pool").GetString(), busiest.GetProperty("bytesOut").GetInt64()));
        Assert.True(stats.GetProperty("uptimeSeconds").GetDouble() >= 0);
    }

    [Fact]
    public async Task PostImport_ResyncsConfigAndReportsTheFailingProvider()
    {
        JsonElement result = await ReadJsonAsync(await Client.PostAsync("/api/import", null));

        JsonElement config = result.GetProperty("config");
        Assert.Equal(0, config.GetProperty("updated").GetInt32());
        Assert.True(config.TryGetProperty("added", out _) && config.TryGetProperty("retired", out _));
        JsonElement provider = result.GetProperty("providers").EnumerateArray().Single();
        Assert.Equal(("res-eu", "acme", false), (provider.GetProperty("pool").GetString(), provider.GetProperty("provider").GetString(), provider.GetProperty("succeeded").GetBoolean()));
        Assert.Contains("unreachable", provider.GetProperty("error").GetString(), StringComparison.Ordinal);

        JsonElement pools = await GetJsonAsync("/api/pools");
        JsonElement source = pools.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "res-eu").GetProperty("providers")[0];
        Assert.Contains("unreachable", source.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, source.GetProperty("lastSyncAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, source.GetProperty("lastSuccessAt").ValueKind);
        Assert.Equal(4, pools.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "res-eu").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task GetHealthz_AnswersWithSnapshotCounts()
    {
        using HttpClient anonymous = Server.CreateClient(apiKey: null);

        JsonElement health = await ReadJsonAsync(await anonymous.GetAsync("/healthz"));

        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("upstreams").GetInt32() >= 1);
    }

    [Fact]
    public async Task GetOpenApi_DescribesTheApiRoutes()
    {
        JsonElement document = await GetJsonAsync("/openapi/v1.json");

        JsonElement paths = document.GetProperty("paths");
        foreach (string path in new[] { "/api/pools", "/api/proxies", "/api/proxies/{id}", "/api/checks", "/api/proxies/{id}/check", "/api/sessions", "/api/sessions/{id}", "/api/stats", "/api/import" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string mentioned)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonElement problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Contains(mentioned, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
