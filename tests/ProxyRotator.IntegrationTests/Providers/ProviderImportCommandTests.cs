using ProxyRotator.IntegrationTests.Cli;

namespace ProxyRotator.IntegrationTests.Providers;

/// <summary><c>proxyrotator import</c> fetches provider lists too, and says when a provider fails.</summary>
public sealed class ProviderImportCommandTests : IAsyncLifetime, IDisposable
{
    private readonly CliWorkspace _workspace = new();
    private SimulatedProviderApi _api = null!;

    public async Task InitializeAsync() => _api = await SimulatedProviderApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    public void Dispose() => _workspace.Dispose();

    private string WriteConfig() => _workspace.WriteConfig($$"""
        [ { "name": "res", "proxies": ["http://198.51.100.7:8000"],
            "providers": [ { "name": "acme", "url": "{{_api.ListUrl}}", "apiKey": "k", "refresh": "10m", "fieldMap": { "host": "ip" } } ] } ]
        """);

    [Fact]
    public async Task Import_WithProvider_AddsItsProxiesAndReportsCounts()
    {
        string config = WriteConfig();
        _api.AnswerJson("""{"data": [{"ip": "198.51.100.30", "port": 8000, "country": "DE"}, {"ip": "198.51.100.31", "port": 8000}]}""");

        (int exit, string output, string error) = await CliWorkspace.RunAsync(["import", "--config", config]);

        Assert.True(exit == 0, error);
        Assert.Contains("added 1, updated 0, retired 0", output, StringComparison.Ordinal);
        Assert.Contains("provider res/acme: listed 2, added 2, updated 0, retired 0", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_ProviderDown_Exits1AndNamesTheProvider()
    {
        string config = WriteConfig();
        _api.AnswerStatus(System.Net.HttpStatusCode.BadGateway);

        (int exit, string output, string error) = await CliWorkspace.RunAsync(["import", "--config", config]);

        Assert.Equal(1, exit);
        Assert.Contains("added 1, updated 0, retired 0", output, StringComparison.Ordinal);
        Assert.Contains("provider res/acme: failed: provider answered HTTP 502 Bad Gateway", error, StringComparison.Ordinal);
    }
}
