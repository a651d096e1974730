using System.Net;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.Admin.Health;

namespace ProxyRotator.IntegrationTests.Admin;

/// <summary>No response of the admin listener, on any route, carries an upstream's password.</summary>
public sealed class AdminApiSecretTests : AdminApiTestBase
{
    private const string AddedPassword = "Added-Via-Api-Secret-77";

    internal override void ConfigureServices(IServiceCollection services)
    {
        IAdminHealthChecks checks = Substitute.For<IAdminHealthChecks>();
        checks.RunAsync(default, default).ReturnsForAnyArgs([new HealthCheckOutcomeDto { UpstreamId = 1, Success = true, Url = "http://alice:***@127.0.3.1:8001" }]);
        checks.RunOneAsync(default, default).ReturnsForAnyArgs(new HealthCheckOutcomeDto { UpstreamId = 1, Success = true });
        services.AddSingleton(checks);
    }

    [Fact]
    public async Task EveryRoute_NeverReturnsAPassword()
    {
        long quarantined = await Server.UpstreamIdAsync("127.0.3.3");
        var bodies = new List<(string Route, string Body)>();

        async Task Capture(string route, Task<HttpResponseMessage> call)
        {
            using HttpResponseMessage response = await call;
            Assert.True(response.StatusCode < HttpStatusCode.InternalServerError, $"{route}: {(int)response.StatusCode}");
            bodies.Add((route, string.Join("\n", response.Headers.Concat(response.Content.Headers).Select(h => $"{h.Key}: {string.Join(",", h.Value)}"))
                + "\n" + await response.Content.ReadAsStringAsync()));
        }

        await Capture("POST /api/proxies", Client.PostAsync("/api/proxies", Body(new { url = $"http://mallory:{AddedPassword}@127.0.6.1:8080", pool = "res-eu" })));
        await Capture("POST /api/proxies (conflict)", Client.PostAsync("/api/proxies", Body(new { url = $"http://mallory:{AddedPassword}@127.0.6.1:8080", pool = "res-eu" })));
        await Capture("POST /api/proxies (bad)", Client.PostAsync("/api/proxies", Body(new { url = $"htp://mallory:{AddedPassword}@127.0.6.1:8080", pool = "res-eu" })));
        await Capture("GET /api/pools", Client.GetAsync("/api/pools"));
        await Capture("GET /api/proxies", Client.GetAsync("/api/proxies?status=all&pageSize=1000"));
        await Capture("DELETE /api/proxies/{id}", Client.DeleteAsync($"/api/proxies/{quarantined}"));
        await Capture("POST /api/checks", Client.PostAsync("/api/checks", null));
        await Capture("POST /api/proxies/{id}/check", Client.PostAsync($"/api/proxies/{quarantined}/check", null));
        await Capture("GET /api/sessions", Client.GetAsync("/api/sessions"));
        await Capture("GET /api/stats", Client.GetAsync("/api/stats"));
        await Capture("POST /api/import", Client.PostAsync("/api/import", null));
        await Capture("DELETE /api/sessions/{id}", Client.DeleteAsync("/api/sessions/scraper:acct42"));
        await Capture("GET /healthz", Client.GetAsync("/healthz"));
        await Capture("GET /metrics", Client.GetAsync("/metrics"));
        await Capture("GET /openapi/v1.json", Client.GetAsync("/openapi/v1.json"));
        await Capture("GET /", Client.GetAsync("/"));

        foreach ((string route, string body) in bodies)
        {
            Assert.False(body.Contains(AdminTestServer.SeedPassword, StringComparison.Ordinal), $"{route} leaked a seeded password");
            Assert.False(body.Contains(AddedPassword, StringComparison.Ordinal), $"{route} leaked the added password");
            Assert.False(body.Contains("provider-key", StringComparison.Ordinal) || body.Contains("provider-token", StringComparison.Ordinal), $"{route} leaked a provider secret");
        }

        // The listing really did include the upstreams (with their users), so the check above had something to find.
        Assert.Contains("alice:***@127.0.3.1", bodies.Single(b => b.Route == "GET /api/proxies").Body, StringComparison.Ordinal);
        Assert.Contains("mallory:***@127.0.6.1", bodies.Single(b => b.Route == "GET /api/proxies").Body, StringComparison.Ordinal);
        Assert.Contains("connect to socks5://bob:***@127.0.3.3:1080 refused", bodies.Single(b => b.Route == "GET /api/proxies").Body, StringComparison.Ordinal);
    }
}
