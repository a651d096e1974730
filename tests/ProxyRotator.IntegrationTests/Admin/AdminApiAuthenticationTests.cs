using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Pool;
using ProxyRotator.Store;

namespace ProxyRotator.IntegrationTests.Admin;

public sealed class AdminApiAuthenticationTests : AdminApiTestBase
{
    public static TheoryData<string, string> ApiRoutes => new()
    {
        { "GET", "/api/pools" },
        { "GET", "/api/proxies" },
        { "GET", "/api/proxies?pool=res-eu&status=all" },
        { "POST", "/api/proxies" },
        { "DELETE", "/api/proxies/1" },
        { "POST", "/api/checks" },
        { "POST", "/api/proxies/1/check" },
        { "GET", "/api/sessions" },
        { "DELETE", "/api/sessions/scraper:acct42" },
        { "GET", "/api/stats" },
        { "POST", "/api/import" },
    };

    [Theory]
    [MemberData(nameof(ApiRoutes))]
    public async Task ApiRoute_WithoutKey_Returns401ProblemDetails(string method, string path)
    {
        using HttpClient anonymous = Server.CreateClient(apiKey: null);

        using HttpResponseMessage response = await anonymous.SendAsync(Request(method, path));

        await AssertUnauthorizedAsync(response);
    }

    [Theory]
    [MemberData(nameof(ApiRoutes))]
    public async Task ApiRoute_WithWrongKey_Returns401AndChangesNothing(string method, string path)
    {
        using HttpClient wrong = Server.CreateClient(apiKey: AdminTestServer.ApiKey + "x");

        using HttpResponseMessage response = await wrong.SendAsync(Request(method, path));

        await AssertUnauthorizedAsync(response);
        await using ProxyRotatorDbContext db = await Server.Services.GetRequiredService<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.Upstreams.CountAsync(u => u.Status == UpstreamStatus.Retired));
        Assert.Equal(6, await db.Upstreams.CountAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("admin-key-for-tests-471")]
    [InlineData("ADMIN-KEY-FOR-TESTS-4711")]
    public async Task ApiRoute_NearMissKeys_AreRefused(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/pools");
        request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        using HttpClient anonymous = Server.CreateClient(apiKey: null);

        using HttpResponseMessage response = await anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ApiRoute_WithKey_Succeeds()
    {
        using HttpResponseMessage response = await Client.GetAsync("/api/pools");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/metrics")]
    [InlineData("/")]
    public async Task OperatorRoute_WithoutKey_IsServed(string path)
    {
        using HttpClient anonymous = Server.CreateClient(apiKey: null);

        using HttpResponseMessage response = await anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/pools")]
    [InlineData("/api/stats")]
    [InlineData("/healthz")]
    [InlineData("/metrics")]
    [InlineData("/")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/dashboard/dashboard.js")]
    public async Task AdminRoute_OnAnotherListener_IsNotServed(string path)
    {
        using HttpClient other = Server.CreateClient(baseAddress: Server.OtherListenerUrl);

        using HttpResponseMessage response = await other.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task PostChecks_NoHealthChecksInThisHost_Returns503()
    {
        using HttpResponseMessage response = await Client.PostAsync("/api/checks", null);

        await AdminApiRouteTests.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "health checks");
    }

    private static HttpRequestMessage Request(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = Body(new { url = $"http://eve:{AdminTestServer.SeedPassword}@127.0.9.9:80", pool = "dc" });
        }

        return request;
    }

    private static async Task AssertUnauthorizedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonElement problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Contains("X-Api-Key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
