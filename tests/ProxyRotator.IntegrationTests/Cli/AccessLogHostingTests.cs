using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Observability;
using ProxyRotator.Hosting;
using ProxyRotator.IntegrationTests.Admin;

namespace ProxyRotator.IntegrationTests.Cli;

/// <summary>The access log as the composition root wires it: the writer in DI, its background writer as a hosted service.</summary>
public sealed class AccessLogHostingTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private ProxyRotatorConfig Config(bool accessLog)
    {
        _workspace.WriteConfig("""[ { "name": "eu", "proxies": ["http://127.0.9.7:9"] } ]""");
        ProxyRotatorConfig config = ConfigLoader.Load(_workspace.ConfigPath);
        config.Admin.Listen = "127.0.0.1:0";
        config.Gateway.Listen = ["127.0.0.1:0"];
        config.AccessLog = new AccessLogOptions { Enabled = accessLog, Path = Path.Combine(_workspace.Folder, "logs", "access.log") };
        return config;
    }

    private static AccessLogEntry Entry(int i) => new()
    {
        Time = DateTimeOffset.UtcNow,
        Protocol = AccessLogProtocol.Connect,
        ClientAddress = IPAddress.Loopback,
        Account = "tester",
        TargetHost = "example.com",
        TargetPort = 443,
        UpstreamId = i,
        Status = 200,
        Attempts = 1,
    };

    [Fact]
    public async Task Serve_AccessLogEnabled_WritesEveryQueuedLineBeforeStopping()
    {
        ProxyRotatorConfig config = Config(accessLog: true);
        await using ProxyRotatorApp app = ProxyRotatorApp.Create(config);
        await app.StartAsync(CancellationToken.None);
        AccessLogWriter writer = app.Services.GetRequiredService<AccessLogWriter>();

        Assert.True(writer.IsEnabled);
        for (int i = 1; i <= 3; i++)
        {
            Assert.True(writer.TryWrite(Entry(i)));
        }

        using (var client = new HttpClient { BaseAddress = app.AdminUri })
        {
            IReadOnlyList<PrometheusTextParser.Sample> samples = PrometheusTextParser.Parse(await client.GetStringAsync("/metrics"));
            Assert.Equal(0, Assert.Single(samples, s => s.Name == "proxyrotator_access_log_dropped_total").Value);
        }

        await app.StopAsync(CancellationToken.None);

        string[] lines = await File.ReadAllLinesAsync(config.AccessLog.Path);
        Assert.Equal([1L, 2L, 3L], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("upstreamId").GetInt64()));
        Assert.Equal(3, writer.Written);
    }

    [Fact]
    public async Task Serve_AccessLogOff_WriterAcceptsNothingAndNoFileAppears()
    {
        ProxyRotatorConfig config = Config(accessLog: false);
        await using ProxyRotatorApp app = ProxyRotatorApp.Create(config);
        await app.StartAsync(CancellationToken.None);
        AccessLogWriter writer = app.Services.GetRequiredService<AccessLogWriter>();

        Assert.False(writer.TryWrite(Entry(1)));
        await app.StopAsync(CancellationToken.None);

        Assert.False(writer.IsEnabled);
        Assert.False(Directory.Exists(Path.GetDirectoryName(config.AccessLog.Path)));
    }
}
