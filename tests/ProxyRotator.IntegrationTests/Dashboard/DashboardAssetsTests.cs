using System.Net;
using ProxyRotator.IntegrationTests.Admin;

namespace ProxyRotator.IntegrationTests.Dashboard;

/// <summary>The dashboard's files come from the product itself, with no reference to anything outside it.</summary>
public sealed class DashboardAssetsTests : IAsyncLifetime
{
    private AdminTestServer _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await AdminTestServer.StartAsync();
        _client = _server.CreateClient(apiKey: null);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("/", "text/html", "<title>ProxyRotator</title>")]
    [InlineData("/dashboard/dashboard.js", "text/javascript", "X-Api-Key")]
    [InlineData("/dashboard/dashboard.css", "text/css", ".topbar")]
    public async Task Get_DashboardFile_IsServedWithAStrictPolicy(string path, string mediaType, string expected)
    {
        using HttpResponseMessage response = await _client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, body, StringComparison.Ordinal);
        string policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        // Self-contained: no CDN, no external fonts or scripts.
        Assert.DoesNotMatch(@"(src|href)=""(https?:)?//", body);
        Assert.DoesNotContain("url(http", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/dashboard/secret.txt")]
    [InlineData("/dashboard/..%2FProxyRotator.Admin.dll")]
    public async Task Get_UnknownFile_Is404(string path)
    {
        using HttpResponseMessage response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
