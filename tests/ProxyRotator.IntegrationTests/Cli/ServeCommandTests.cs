using System.Diagnostics;
using System.Net.Sockets;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Hosting;

namespace ProxyRotator.IntegrationTests.Cli;

public sealed class ServeCommandTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90); // a loaded 2-core CI machine is slow to start a host

    private readonly CliWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task App_OnPortZero_StartsAfterSyncAndReportsItsAddress()
    {
        _workspace.WriteConfig("""[ { "name": "eu", "proxies": ["http://198.51.100.7:8000", "socks5://198.51.100.8:1080"] } ]""");
        ProxyRotatorConfig config = ConfigLoader.Load(_workspace.ConfigPath);
        config.Admin.Listen = "127.0.0.1:0";
        config.Gateway.Listen = ["127.0.0.1:0"];

        await using ProxyRotatorApp app = ProxyRotatorApp.Create(config);
        await app.StartAsync(CancellationToken.None);

        Assert.NotEqual(0, app.AdminUri.Port);
        Assert.Equal(2, app.StartupSync!.Added);
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(app.AdminUri.Host, app.AdminUri.Port);
            Assert.True(client.Connected);
        }

        Assert.Contains(app.Web.Urls, url => new Uri(url).Port == app.AdminUri.Port); // the bound port, not 0
        Assert.DoesNotContain(app.GatewayUris, uri => uri.Port == app.AdminUri.Port);
        await app.StopAsync(CancellationToken.None);
        Assert.True(File.Exists(_workspace.DatabasePath));
    }

    [Fact]
    public async Task Serve_InProcess_RunsUntilCancelledThenExitsZero()
    {
        int adminPort = CliWorkspace.FreePort();
        string config = _workspace.WriteConfig("""[ { "name": "eu", "proxies": ["http://198.51.100.7:8000"] } ]""", CliWorkspace.FreePort(), adminPort);
        using var stop = new CancellationTokenSource();

        Task<(int ExitCode, string Output, string Error)> serve = CliWorkspace.RunAsync(["serve", "--config", config], stop.Token);
        bool listening = await CliWorkspace.WaitForListenerAsync(adminPort, StartTimeout, () => serve.IsCompleted);
        if (serve.IsCompleted)
        {
            Assert.Fail("serve ended early: " + (await serve).Error);
        }

        Assert.True(listening, "the admin listener did not open");

        await stop.CancelAsync();

        (int exitCode, _, string error) = await serve.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, error);
        await Assert.ThrowsAsync<SocketException>(async () =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", adminPort);
        });
    }

    [Fact]
    public async Task Serve_Executable_DrainsAndExitsZeroOnSigterm()
    {
        int adminPort = CliWorkspace.FreePort();
        string config = _workspace.WriteConfig("[]", CliWorkspace.FreePort(), adminPort);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _workspace.Folder };
        foreach (string argument in new[] { CliWorkspace.ExecutablePath(), "serve", "--config", config })
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        try
        {
            bool listening = await CliWorkspace.WaitForListenerAsync(adminPort, StartTimeout, () => process.HasExited);
            if (process.HasExited)
            {
                Assert.Fail($"serve ended early with {process.ExitCode}: {await stderr}{await stdout}");
            }

            Assert.True(listening, "the admin listener did not open");

            using (Process kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            string log = await stderr;
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {log}");
            Assert.Contains("Application is shutting down", log, StringComparison.Ordinal);
            Assert.DoesNotContain(CliWorkspace.ApiKey, log + await stdout, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
