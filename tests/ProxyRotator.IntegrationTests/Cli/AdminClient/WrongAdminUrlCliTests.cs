using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Cli.AdminClient;

/// <summary>The CLI pointed at the gateway port (an easy slip: 8080 instead of 8081) says so, instead of "rejected: Bad Request".</summary>
public sealed class WrongAdminUrlCliTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new();
    private ProductHost _product = null!;

    public async Task InitializeAsync() =>
        _product = await ProductHost.StartAsync(TestConfigs.Create(_directory.File("proxyrotator.db"), []));

    public async Task DisposeAsync() => await _product.DisposeAsync();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("stats")]
    [InlineData("proxies", "list")]
    public async Task AdminCommand_AdminUrlIsTheGatewayPort_SaysItIsNotTheAdminApi(params string[] command)
    {
        string gateway = $"http://{_product.GatewayEndpoint.Address}:{_product.GatewayEndpoint.Port}";

        (int exit, string output, string error) = await CliWorkspace.RunAsync([.. command, "--admin", gateway, "--api-key", "any-key"]);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains("is a ProxyRotator gateway (proxy) port, not the admin API", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Bad Request", error, StringComparison.Ordinal);
    }
}
