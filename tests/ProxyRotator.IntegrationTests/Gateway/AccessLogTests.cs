using System.Text;
using System.Text.Json;
using ProxyRotator.Core.Configuration;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>
/// The access log through the real product (issue 16 §1): with <c>accessLog</c> on, every request or tunnel the
/// pipeline ends becomes one JSON line in the file, whatever its protocol, and no line carries a credential.
/// </summary>
public sealed class AccessLogTests(AccessLogTests.Fixture fixture) : IClassFixture<AccessLogTests.Fixture>
{
    private const string Username = TestConfigs.User + "-country-DE";

    public sealed class Fixture : ProductWithWorld
    {
        public string LogPath => Path.Combine(Path.GetDirectoryName(DatabasePath)!, "logs", "access.log");

        protected override byte Subnet => 45;

        protected override void Configure(ProxyRotatorConfig config) =>
            config.AccessLog = new AccessLogOptions { Enabled = true, Destination = AccessLogDestination.File, Path = LogPath };

        /// <summary>
        /// The one line with <paramref name="protocol"/> once the background writer has put it in the file (a request
        /// completes when its relay ends, and the line is written off the request path after that).
        /// </summary>
        public async Task<JsonElement> SingleLineAsync(string protocol)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (true)
            {
                JsonElement[] lines = [.. (await ReadLinesAsync()).Where(l => l.GetProperty("protocol").GetString() == protocol)];
                if (lines.Length > 0)
                {
                    return Assert.Single(lines);
                }

                await Task.Delay(50, timeout.Token);
            }
        }

        public async Task<string> ReadAllTextAsync()
        {
            if (!File.Exists(LogPath))
            {
                return string.Empty;
            }

            await using var file = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(file);
            return await reader.ReadToEndAsync();
        }

        private async Task<JsonElement[]> ReadLinesAsync() =>
        [
            .. (await ReadAllTextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(line => line.EndsWith('}')) // a line still being written is not yet complete
                .Select(line => JsonDocument.Parse(line).RootElement.Clone()),
        ];
    }

    [Fact]
    public async Task AbsoluteForm_Served_WritesOneLineWithItsFields()
    {
        CurlResult result = await Curl.RunAsync(["-f", "-x", fixture.Product.ProxyUrl(Username), "-d", "hello-access-log", fixture.OriginUrl("echo?token=private")]);

        Assert.True(result.ExitCode == 0, result.Error);
        JsonElement line = await fixture.SingleLineAsync("http");
        AssertServed(line, new Uri(fixture.OriginUrl()));
        Assert.Equal(200, line.GetProperty("status").GetInt32());
        Assert.Equal("hello-access-log".Length, line.GetProperty("bytesUp").GetInt64());
        Assert.False(line.TryGetProperty("path", out _)); // includeUrlPath is off by default
        await AssertNoCredentialAsync();
    }

    [Fact]
    public async Task Connect_Served_WritesOneLineWithItsFields()
    {
        CurlResult result = await Curl.RunAsync(["-f", "-k", "-x", fixture.Product.ProxyUrl(Username), fixture.OriginHttpsUrl("ip")]);

        Assert.True(result.ExitCode == 0, result.Error);
        JsonElement line = await fixture.SingleLineAsync("connect");
        AssertServed(line, new Uri(fixture.OriginHttpsUrl()));
        Assert.Equal(200, line.GetProperty("status").GetInt32());
        Assert.True(line.GetProperty("bytesUp").GetInt64() > 0);
        await AssertNoCredentialAsync();
    }

    [Fact]
    public async Task Socks5_Served_WritesOneLineWithItsFields()
    {
        CurlResult result = await Curl.RunAsync(["-f", "--socks5-hostname", $"{fixture.Product.GatewayEndpoint.Address}:{fixture.Product.GatewayEndpoint.Port}",
            "--proxy-user", $"{Username}:{TestConfigs.Password}", fixture.OriginUrl("ip")]);

        Assert.True(result.ExitCode == 0, result.Error);
        JsonElement line = await fixture.SingleLineAsync("socks5");
        AssertServed(line, new Uri(fixture.OriginUrl()));
        Assert.Equal(0, line.GetProperty("socksReply").GetInt32());
        Assert.False(line.TryGetProperty("status", out _));
        Assert.True(line.GetProperty("bytesUp").GetInt64() > 0);
        await AssertNoCredentialAsync();
    }

    private static void AssertServed(JsonElement line, Uri origin)
    {
        Assert.Equal(TestConfigs.User, line.GetProperty("account").GetString());
        Assert.Equal("country-DE", line.GetProperty("targeting").GetString());
        Assert.Equal(origin.Host, line.GetProperty("targetHost").GetString());
        Assert.Equal(origin.Port, line.GetProperty("targetPort").GetInt32());
        Assert.Equal(JsonValueKind.Number, line.GetProperty("upstreamId").ValueKind);
        Assert.NotNull(line.GetProperty("upstreamKind").GetString());
        Assert.Equal(JsonValueKind.Null, line.GetProperty("error").ValueKind);
        Assert.True(line.GetProperty("bytesDown").GetInt64() > 0);
        Assert.True(line.GetProperty("attempts").GetInt32() >= 1);
        Assert.Equal("127.0.0.1", line.GetProperty("client").GetString());
    }

    private async Task AssertNoCredentialAsync()
    {
        string text = await fixture.ReadAllTextAsync();
        Assert.DoesNotContain(TestConfigs.Password, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{TestConfigs.Password}")), text, StringComparison.Ordinal);
        Assert.DoesNotContain("private", text, StringComparison.Ordinal); // the query string stays out too
    }
}
