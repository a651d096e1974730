using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Gateway.Listening;
using ProxyRotator.Hosting;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>
/// What `serve` logs at its default level (Information) while clients are refused and upstreams fail: one concise line
/// per refused client (reason, address, no secret), no per-request lines, no stack traces for expected failures.
/// </summary>
public sealed class GatewayLogTests : IAsyncLifetime, IDisposable
{
    private const string WrongPassword = "Wrong-Pass-4711";
    private readonly TempDirectory _directory = new();
    private readonly CapturingLoggerProvider _logs = new();
    private ProxyRotatorApp _app = null!;
    private string _gateway = null!;

    public async Task InitializeAsync()
    {
        // Two upstreams that refuse every connection (nothing listens on port 9): every request fails over and gets 502.
        ProxyRotatorConfig config = TestConfigs.Create(_directory.File("proxyrotator.db"),
            [new PoolOptions { Name = "dead", Proxies = [Entry("http://127.0.9.41:9"), Entry("socks5://127.0.9.42:9")] }]);
        _app = ProxyRotatorApp.Create(config, new ProxyRotatorAppOptions
        {
            MinimumLogLevel = LogLevel.Information, // serve's default
            ConfigureBuilder = builder => builder.Logging.AddProvider(_logs),
        });
        await _app.StartAsync(CancellationToken.None);
        var endpoint = _app.Services.GetRequiredService<GatewayListenerRegistry>().BoundEndpoints[0];
        _gateway = $"{endpoint.Address}:{endpoint.Port}";
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task RefusedClients_OneLineEachWithReasonAndAddress_NoSecrets()
    {
        await CurlAsync("-x", $"http://{TestConfigs.User}:{WrongPassword}@{_gateway}", "http://127.0.0.1:9/");
        await CurlAsync("--socks5-hostname", $"{TestConfigs.User}-country-de:{WrongPassword}@{_gateway}", "http://127.0.0.1:9/");
        await CurlAsync("-x", $"http://{TestConfigs.User}-pool-daed:{TestConfigs.Password}@{_gateway}", "http://127.0.0.1:9/");
        await CurlAsync("-x", $"http://{_gateway}", "http://127.0.0.1:9/"); // no credentials: a browser's first try

        CapturedLog[] refused = [.. _logs.Records.Where(r => r.Level >= LogLevel.Information && r.Message.Contains("refused", StringComparison.Ordinal))];
        Assert.Collection(
            refused,
            r => Assert.Matches(@"^HTTP client 127\.0\.0\.1:\d+ refused \(auth-required\): wrong username or password$", r.Message),
            r => Assert.Matches(@"^SOCKS5 client 127\.0\.0\.1:\d+ refused \(auth-required\): wrong username or password$", r.Message),
            r => Assert.Matches(@"^HTTP client 127\.0\.0\.1:\d+ refused \(bad-targeting\): .*unknown pool 'daed'", r.Message));
        Assert.All(_logs.Records, r => Assert.DoesNotContain(WrongPassword, r.Message, StringComparison.Ordinal));
        Assert.All(_logs.Records, r => Assert.DoesNotContain(TestConfigs.Password, r.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpstreamsFail_NoPerRequestLinesAndNoStackTraces()
    {
        int before = _logs.Records.Count;

        CurlResult http = await CurlAsync("-x", $"http://{TestConfigs.User}:{TestConfigs.Password}@{_gateway}", "http://127.0.0.1:9/private-path");
        CurlResult tunnel = await CurlAsync("-x", $"http://{TestConfigs.User}:{TestConfigs.Password}@{_gateway}", "https://127.0.0.1:9/private-path");

        Assert.Equal("502", http.Output);
        Assert.NotEqual(0, tunnel.ExitCode);
        CapturedLog[] during = [.. _logs.Records.Skip(before)];
        Assert.DoesNotContain(during, r => r.Level >= LogLevel.Information);
        Assert.DoesNotContain(_logs.Records, r => r.Exception is not null && r.Level >= LogLevel.Information);
        Assert.DoesNotContain(_logs.Records, r => r.Message.Contains("private-path", StringComparison.Ordinal) && r.Level >= LogLevel.Information);
    }

    private static ProxyEntryOptions Entry(string url)
    {
        Assert.True(UpstreamEndpoint.TryParse(url, out UpstreamEndpoint? endpoint, out string? error), error);
        return new ProxyEntryOptions { Endpoint = endpoint! };
    }

    private static Task<CurlResult> CurlAsync(params string[] arguments) =>
        Curl.RunAsync(["--output", "/dev/null", "--write-out", "%{http_code}", "--max-time", "20", .. arguments]);
}
