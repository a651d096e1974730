using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Health;

namespace ProxyRotator.IntegrationTests.Admin;

/// <summary>
/// <c>POST /api/checks</c> and <c>POST /api/proxies/{id}/check</c> over the health area's real runner. The seeded
/// upstreams live on loopback addresses where nothing listens, so every probe is refused at once.
/// </summary>
public sealed class AdminHealthCheckTests : AdminApiTestBase
{
    internal override void ConfigureServices(IServiceCollection services) =>
        services.AddProxyRotatorHealthServices(new HealthCheckOptions { Url = "http://127.0.0.1:1/ip", Timeout = TimeSpan.FromSeconds(5) });

    [Fact]
    public async Task PostChecks_Pool_ProbesEveryLiveUpstreamAndReportsEach()
    {
        JsonElement run = await ReadJsonAsync(await Client.PostAsync("/api/checks?pool=res-eu", null));

        Assert.Equal((4, 0, 4), (run.GetProperty("checked").GetInt32(), run.GetProperty("succeeded").GetInt32(), run.GetProperty("failed").GetInt32()));
        JsonElement[] outcomes = [.. run.GetProperty("outcomes").EnumerateArray()];
        Assert.All(outcomes, o => Assert.Equal("res-eu", o.GetProperty("pool").GetString()));
        Assert.All(outcomes, o => Assert.Equal("connect-refused", o.GetProperty("errorKind").GetString()));
        Assert.Contains(outcomes, o => o.GetProperty("url").GetString() == "http://alice:***@127.0.3.1:8001");
        Assert.DoesNotContain(AdminTestServer.SeedPassword, run.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostProxyCheck_OneUpstream_ProbesItNow()
    {
        long id = await Server.UpstreamIdAsync("127.0.4.1");

        JsonElement outcome = await ReadJsonAsync(await Client.PostAsync($"/api/proxies/{id}/check", null));

        Assert.Equal(id, outcome.GetProperty("upstreamId").GetInt64());
        Assert.False(outcome.GetProperty("success").GetBoolean());
        Assert.Equal("active", outcome.GetProperty("previousStatus").GetString());
        Assert.False(string.IsNullOrEmpty(outcome.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task PostProxyCheck_UnknownId_Returns404()
    {
        using HttpResponseMessage response = await Client.PostAsync("/api/proxies/777777/check", null);

        await AdminApiRouteTests.AssertProblemAsync(response, System.Net.HttpStatusCode.NotFound, "777777");
    }

    [Fact]
    public void AdminApi_UsesTheHealthRunner() => Assert.NotNull(Server.Services.GetService<HealthCheckRunner>());
}
