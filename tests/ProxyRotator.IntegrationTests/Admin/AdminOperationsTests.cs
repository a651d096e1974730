using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.IntegrationTests.Admin;

/// <summary>What an operator's tooling asks of the admin listener: readiness beside liveness, one upstream by id, a true uptime.</summary>
public sealed class AdminOperationsTests
{
    [Fact]
    public async Task GetReadyz_EligibleUpstreams_200CountingPendingApart()
    {
        await using AdminTestServer server = await AdminTestServer.StartAsync();
        using HttpClient anonymous = server.CreateClient(apiKey: null);

        using HttpResponseMessage response = await anonymous.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement ready = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Equal(ready.GetProperty("active").GetInt32() + ready.GetProperty("pending").GetInt32(), ready.GetProperty("eligible").GetInt32());
        Assert.True(ready.GetProperty("eligible").GetInt32() >= 1);
    }

    [Fact]
    public async Task GetReadyz_NoEligibleUpstream_503WhileHealthzStaysOk()
    {
        var empty = Substitute.For<IPoolSnapshotSource>();
        empty.Current.Returns(PoolSnapshot.Empty);
        await using AdminTestServer server = await AdminTestServer.StartAsync(services => services.AddSingleton(empty));
        using HttpClient anonymous = server.CreateClient(apiKey: null);

        using HttpResponseMessage ready = await anonymous.GetAsync("/readyz");
        using HttpResponseMessage live = await anonymous.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("no-eligible-upstream", JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task GetProxyById_KnownAndUnknown_UpstreamOr404()
    {
        await using AdminTestServer server = await AdminTestServer.StartAsync();
        using HttpClient client = server.CreateClient();
        long id = await server.UpstreamIdAsync("127.0.3.1");

        using HttpResponseMessage found = await client.GetAsync($"/api/proxies/{id}");
        using HttpResponseMessage missing = await client.GetAsync("/api/proxies/987654");
        using HttpResponseMessage noKey = await server.CreateClient(apiKey: null).GetAsync($"/api/proxies/{id}");

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        JsonElement upstream = JsonDocument.Parse(await found.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(id, upstream.GetProperty("id").GetInt64());
        Assert.Equal("http://alice:***@127.0.3.1:8001", upstream.GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
    }

    [Fact]
    public async Task GetStats_FirstCallLongAfterStart_UptimeCountsFromStart()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        await using AdminTestServer server = await AdminTestServer.StartAsync(services => services.AddSingleton<TimeProvider>(clock));
        clock.Advance(TimeSpan.FromMinutes(90));

        using HttpResponseMessage response = await server.CreateClient().GetAsync("/api/stats");

        JsonElement stats = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(5400, stats.GetProperty("uptimeSeconds").GetDouble());
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero), stats.GetProperty("startedAt").GetDateTimeOffset());
    }
}
