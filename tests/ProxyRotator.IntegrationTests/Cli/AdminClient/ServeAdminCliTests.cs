using ProxyRotator.Core.Configuration;
using ProxyRotator.Hosting;

namespace ProxyRotator.IntegrationTests.Cli.AdminClient;

/// <summary>The product's own composition root serving the admin API, driven by the real command line.</summary>
public sealed class ServeAdminCliTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task ProxiesListAndStats_AgainstARunningApp_PrintTheSyncedPool()
    {
        _workspace.WriteConfig("""[ { "name": "eu", "type": "datacenter", "proxies": ["http://ops:Never-Shown-9@127.0.9.17:9", { "url": "socks5://127.0.9.18:9", "country": "DE" }] } ]""");
        ProxyRotatorConfig config = ConfigLoader.Load(_workspace.ConfigPath);
        config.Admin.Listen = "127.0.0.1:0";
        config.Gateway.Listen = ["127.0.0.1:0"];
        await using ProxyRotatorApp app = ProxyRotatorApp.Create(config);
        await app.StartAsync(CancellationToken.None);
        string admin = app.AdminUri.ToString();

        (int listExit, string list, string listError) = await CliWorkspace.RunAsync(["proxies", "list", "--admin", admin, "--api-key", CliWorkspace.ApiKey]);
        (int statsExit, string stats, string statsError) = await CliWorkspace.RunAsync(["stats", "--admin", admin, "--api-key", CliWorkspace.ApiKey]);
        (int wrongExit, _, string wrongError) = await CliWorkspace.RunAsync(["stats", "--admin", admin, "--api-key", "wrong"]);

        Assert.True(listExit == 0, listError);
        Assert.Contains("http://ops:***@127.0.9.17:9", list, StringComparison.Ordinal);
        Assert.Matches(@"socks5://127\.0\.9\.18:9\s+datacenter\s+DE\s", list);
        Assert.Contains("2 upstream(s)", list, StringComparison.Ordinal);
        Assert.DoesNotContain("Never-Shown-9", list, StringComparison.Ordinal);
        Assert.True(statsExit == 0, statsError);
        Assert.Contains("REQUESTS", stats, StringComparison.Ordinal);
        Assert.Equal(2, wrongExit);
        Assert.Contains("401", wrongError, StringComparison.Ordinal);

        await app.StopAsync(CancellationToken.None);
    }
}
