using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ProxyRotator.Core.Configuration;

namespace ProxyRotator.IntegrationTests.Admin;

/// <summary>Issue 10 §7: provider credentials in <c>/api/pools</c>, and the option that closes <c>/metrics</c> and the dashboard.</summary>
public sealed class AdminExposureTests
{
    private const string ProviderSecret = "provider-secret-tok";

    private static async Task<AdminTestServer> StartAsync(bool protect, string? providerUrl = null)
    {
        ProxyRotatorConfig config = AdminTestServer.DefaultConfig();
        config.Admin.ProtectMetricsAndDashboard = protect;
        if (providerUrl is not null)
        {
            config.Pools[0].Providers[0].Url = providerUrl;
        }

        return await AdminTestServer.StartAsync(config: config);
    }

    [Fact]
    public async Task Pools_ProviderUrlWithUserInfo_Masked()
    {
        await using AdminTestServer server = await StartAsync(protect: false, $"http://puser:{ProviderSecret}@127.0.0.1:1/v1/proxies?token=t0k");
        using HttpClient client = server.CreateClient();

        string body = await client.GetStringAsync("/api/pools");

        Assert.DoesNotContain(ProviderSecret, body);
        Assert.DoesNotContain("t0k", body);
        Assert.Contains("http://puser:***@127.0.0.1:1/v1/proxies?token=***", body);
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/")]
    [InlineData("/dashboard/dashboard.js")]
    public async Task Protected_WithoutKey_Returns401WithBasicChallenge(string path)
    {
        await using AdminTestServer server = await StartAsync(protect: true);
        using HttpClient anonymous = server.CreateClient(apiKey: null);

        using HttpResponseMessage response = await anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.DoesNotContain("proxyrotator_", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Protected_WithKeyInAnyAcceptedForm_Serves()
    {
        await using AdminTestServer server = await StartAsync(protect: true);
        using HttpClient withHeader = server.CreateClient();
        using HttpClient anonymous = server.CreateClient(apiKey: null);

        Assert.Equal(HttpStatusCode.OK, (await withHeader.GetAsync("/metrics")).StatusCode);
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AdminTestServer.ApiKey) } };
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(bearer)).StatusCode);
        string basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("operator:" + AdminTestServer.ApiKey));
        using var browser = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Authorization = new AuthenticationHeaderValue("Basic", basic) } };
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(browser)).StatusCode);
    }

    [Fact]
    public async Task Protected_WrongKey_Returns401()
    {
        await using AdminTestServer server = await StartAsync(protect: true);
        using HttpClient wrong = server.CreateClient(apiKey: AdminTestServer.ApiKey + "x");

        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task Protected_Healthz_StaysOpen()
    {
        await using AdminTestServer server = await StartAsync(protect: true);
        using HttpClient anonymous = server.CreateClient(apiKey: null);

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task Default_MetricsOpenWithoutKey()
    {
        await using AdminTestServer server = await StartAsync(protect: false);
        using HttpClient anonymous = server.CreateClient(apiKey: null);

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/metrics")).StatusCode);
    }
}
