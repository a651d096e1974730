using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using ProxyRotator.Core.Pool;
using ProxyRotator.IntegrationTests.Admin;

namespace ProxyRotator.IntegrationTests.Cli;

/// <summary><c>proxyrotator healthcheck</c>: the Docker image's HEALTHCHECK, so the image needs no curl.</summary>
public sealed class HealthCheckCommandTests
{
    [Fact]
    public async Task HealthCheck_LiveServer_ExitsZero()
    {
        await using AdminTestServer server = await AdminTestServer.StartAsync();

        (int exit, string output, string error) = await CliWorkspace.RunAsync(["healthcheck", "--admin", server.AdminUrl.ToString()]);

        Assert.True(exit == 0, error);
        Assert.Contains("/healthz: 200", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthCheckReady_NoEligibleUpstream_ExitsOneWhileLivenessPasses()
    {
        var empty = Substitute.For<IPoolSnapshotSource>();
        empty.Current.Returns(PoolSnapshot.Empty);
        await using AdminTestServer server = await AdminTestServer.StartAsync(services => services.AddSingleton(empty));

        (int readyExit, _, string readyError) = await CliWorkspace.RunAsync(["healthcheck", "--ready", "--admin", server.AdminUrl.ToString()]);
        (int liveExit, _, _) = await CliWorkspace.RunAsync(["healthcheck", "--admin", server.AdminUrl.ToString()]);

        Assert.Equal(1, readyExit);
        Assert.Contains("/readyz: 503", readyError, StringComparison.Ordinal);
        Assert.Equal(0, liveExit);
    }

    [Fact]
    public async Task HealthCheck_NothingListening_ExitsOne()
    {
        (int exit, string output, string error) = await CliWorkspace.RunAsync(["healthcheck", "--admin", $"http://127.0.0.1:{CliWorkspace.FreePort()}"]);

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains("no answer", error, StringComparison.Ordinal);
    }
}
