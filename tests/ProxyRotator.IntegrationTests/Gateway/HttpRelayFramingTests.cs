using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Core.Pool;
using ProxyRotator.Gateway.HttpRelay;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>
/// The HTTP relay (issue 14 §2) against an upstream whose answers are written byte for byte: every framing is relayed
/// unchanged and the client's connection stays usable when it should; a pooled upstream connection the upstream closed
/// is replaced without blame; a later head the relay does not serve goes on to Kestrel on the same connection.
/// </summary>
public sealed class HttpRelayFramingTests : IAsyncLifetime, IDisposable
{
    private const string UpstreamUser = "up-user";
    private const string UpstreamPassword = "up-pass";
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _directory = new();
    private readonly ScriptedHttpUpstream _upstream = new(IPAddress.Parse("127.0.97.1"));
    private ProductHost _product = null!;

    public async Task InitializeAsync()
    {
        ProxyRotatorConfig config = TestConfigs.Create(_directory.File("proxyrotator.db"),
            [new PoolOptions { Name = "scripted", Proxies = [Entry($"http://{UpstreamUser}:{UpstreamPassword}@{_upstream.Endpoint}")] }]);
        _product = await ProductHost.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        await _product.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Relay_ChunkedResponse_RelayedVerbatimAndConnectionKeptAlive()
    {
        const string chunked = "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
        Answer(request => request.Target.EndsWith("/chunked", StringComparison.Ordinal)
            ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Test: a\r\n\r\n" + chunked
            : "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext");
        await using var client = await ClientConnection.OpenAsync(_product.GatewayEndpoint);

        await client.SendAsync(Get("/chunked"));
        (string head, byte[] body) = await client.ReadResponseAsync();
        await client.SendAsync(Get("/next"));
        (string nextHead, byte[] nextBody) = await client.ReadResponseAsync();

        Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);
        Assert.Contains("Transfer-Encoding: chunked", head, StringComparison.Ordinal);
        Assert.Contains("X-Test: a", head, StringComparison.Ordinal);
        Assert.Equal(chunked, Encoding.ASCII.GetString(body));
        Assert.StartsWith("HTTP/1.1 200", nextHead, StringComparison.Ordinal);
        Assert.Equal("next", Encoding.ASCII.GetString(nextBody));
        ScriptedHttpUpstream.Request[] seen = OriginRequests();
        Assert.Equal(2, seen.Length);
        Assert.Equal(seen[0].Connection, seen[1].Connection); // the upstream connection was pooled and reused
    }

    [Fact]
    public async Task Relay_CloseDelimitedResponse_BodyRelayedThenClientConnectionClosed()
    {
        _upstream.Answer = async (request, stream) =>
        {
            await ScriptedHttpUpstream.WriteAsync(stream, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the upstream closes");
            return false;
        };
        await using var client = await ClientConnection.OpenAsync(_product.GatewayEndpoint);

        await client.SendAsync(Get("/close-delimited"));
        (string head, byte[] body) = await client.ReadResponseAsync();

        Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);
        Assert.Contains("Connection: close", head, StringComparison.Ordinal);
        Assert.Equal("until the upstream closes", Encoding.ASCII.GetString(body));
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Relay_HeadRequest_NoBodyExpectedDespiteContentLength()
    {
        Answer(request => request.RequestLine.StartsWith("HEAD ", StringComparison.Ordinal)
            ? "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
            : "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nget");
        await using var client = await ClientConnection.OpenAsync(_product.GatewayEndpoint);

        await client.SendAsync(Get("/resource", method: "HEAD"));
        (string head, byte[] body) = await client.ReadResponseAsync(isHead: true);
        await client.SendAsync(Get("/resource"));
        (_, byte[] getBody) = await client.ReadResponseAsync();

        Assert.Contains("Content-Length: 1000", head, StringComparison.Ordinal);
        Assert.Empty(body);
        Assert.Equal("get", Encoding.ASCII.GetString(getBody));
    }

    [Fact]
    public async Task Relay_ChunkedRequestBody_ReachesTheUpstreamChunked()
    {
        const string chunked = "4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n";
        Answer(_ => "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        await using var client = await ClientConnection.OpenAsync(_product.GatewayEndpoint);

        await client.SendAsync($"POST http://127.0.97.200/upload HTTP/1.1\r\nHost: 127.0.97.200\r\nProxy-Authorization: {ClientAuthorization}\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked);
        (string head, _) = await client.ReadResponseAsync();

        Assert.StartsWith("HTTP/1.1 201", head, StringComparison.Ordinal);
        ScriptedHttpUpstream.Request upload = Assert.Single(OriginRequests());
        Assert.Equal("chunked", upload.Header("Transfer-Encoding"));
        Assert.Equal(chunked, Encoding.ASCII.GetString(upload.Body));
    }

    [Fact]
    public async Task Relay_MalformedChunkedRequestBody_Answers400BadRequestAndCloses()
    {
        Answer(_ => "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        await using var client = await ClientConnection.OpenAsync(_product.GatewayEndpoint);

        // "zz" is no chunk size: the client's own framing error, which Kestrel answered 400 before the relay existed.
        await client.SendAsync($"POST http://127.0.97.200/upload HTTP/1.1\r\nHost: 127.0.97.200\r\nProxy-Authorization: {ClientAuthorization}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nWiki\r\n0\r\n\r\n");
        (string head, _) = await client.ReadResponseAsync();

        Assert.StartsWith("HTTP/1.1 400", head, StringComparison.Ordinal);
        Assert.Contains("X-ProxyRotator-Error: bad-request", head, StringComparison.Ordinal);
        Assert.Contains("Connection: close", head, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Relay_PipelinedRequests_AnsweredInOrder()
    {
        Answer(request =>
        {
            string path = new Uri(request.Target).AbsolutePath;
            return $"HTTP/1.1 200 OK\r\nContent-Length: {path.Length}\r\n\r\n{path}";
        });
        await using var client = await ClientConnection.OpenAsync(_product.GatewayEndpoint);

        await client.SendAsync(Get("/first") + Get("/second") + Get("/third"));
        (_, byte[] first) = await client.ReadResponseAsync();
        (_, byte[] second) = await client.ReadResponseAsync();
        (_, byte[] third) = await client.ReadResponseAsync();

        Assert.Equal(["/first", "/second", "/third"], [Encoding.ASCII.GetString(first), Encoding.ASCII.GetString(second), Encoding.ASCII.GetString(third)]);
    }

    [Fact]
    public async Task Relay_UpstreamClosesPooledConnectionInsteadOfAnswering_RetriedOnFreshOneWithoutBlame()
    {
        // The second request on any upstream connection finds it closed (as when the upstream's idle timeout crosses it).
        _upstream.Answer = async (request, stream) =>
        {
            if (request.OnConnection > 1 && request.Target.StartsWith("http://127.0.97.200/", StringComparison.Ordinal))
            {
                return false;
            }

            await ScriptedHttpUpstream.WriteAsync(stream, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            return true;
        };
        await using var client = await ClientConnection.OpenAsync(_product.GatewayEndpoint);
        UpstreamProxy upstream = Assert.Single(_product.Services.GetRequiredService<IPoolSnapshotSource>().Current.All);
        long failuresBefore = upstream.Runtime.Failures;

        await client.SendAsync(Get("/one"));
        (string first, _) = await client.ReadResponseAsync();
        await client.SendAsync(Get("/two"));
        (string second, byte[] body) = await client.ReadResponseAsync();

        Assert.StartsWith("HTTP/1.1 200", first, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200", second, StringComparison.Ordinal);
        Assert.Equal("ok", Encoding.ASCII.GetString(body));
        ScriptedHttpUpstream.Request[] seen = OriginRequests();
        Assert.Equal(["/one", "/two", "/two"], seen.Select(r => new Uri(r.Target).AbsolutePath));
        Assert.Equal(seen[0].Connection, seen[1].Connection);
        Assert.NotEqual(seen[1].Connection, seen[2].Connection);
        Assert.Equal(failuresBefore, upstream.Runtime.Failures);
    }

    [Fact]
    public async Task Relay_ClientHeaders_UpstreamGetsItsOwnCredentialsAndNoHopByHopHeaders()
    {
        Answer(_ => "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive, X-Upstream-Hop\r\nX-Upstream-Hop: 1\r\nProxy-Authenticate: Basic\r\n\r\n");
        await using var client = await ClientConnection.OpenAsync(_product.GatewayEndpoint);

        await client.SendAsync($"GET http://127.0.97.200/headers?q=1 HTTP/1.1\r\nHost: 127.0.97.200\r\nProxy-Authorization: {ClientAuthorization}\r\n"
            + "Connection: keep-alive, X-Hop\r\nX-Hop: 1\r\nX-End: 2\r\nProxy-Connection: keep-alive\r\n\r\n");
        (string head, _) = await client.ReadResponseAsync();

        ScriptedHttpUpstream.Request seen = Assert.Single(OriginRequests());
        Assert.Equal("GET http://127.0.97.200/headers?q=1 HTTP/1.1", seen.RequestLine);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{UpstreamUser}:{UpstreamPassword}")), seen.Header("Proxy-Authorization"));
        Assert.Equal("127.0.97.200", seen.Header("Host"));
        Assert.Equal("2", seen.Header("X-End"));
        Assert.Null(seen.Header("X-Hop"));
        Assert.Null(seen.Header("Connection"));
        Assert.Null(seen.Header("Proxy-Connection"));
        Assert.DoesNotContain("X-Upstream-Hop", head, StringComparison.Ordinal);
        Assert.DoesNotContain("Proxy-Authenticate", head, StringComparison.Ordinal);
        Assert.Contains("X-ProxyRotator-Upstream: ", head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Relay_LaterHeadWithExpect_HandedToKestrelOnTheSameConnection()
    {
        Answer(request => $"HTTP/1.1 200 OK\r\nContent-Length: {request.Body.Length + 1}\r\n\r\n>{Encoding.ASCII.GetString(request.Body)}");
        await using var client = await ClientConnection.OpenAsync(_product.GatewayEndpoint);
        long relayed = _product.Services.GetRequiredService<HttpRelayHandler>().ConnectionsRelayed;

        await client.SendAsync(Get("/relayed"));
        (_, byte[] first) = await client.ReadResponseAsync();
        await client.SendAsync($"POST http://127.0.97.200/expect HTTP/1.1\r\nHost: 127.0.97.200\r\nProxy-Authorization: {ClientAuthorization}\r\n"
            + "Expect: 100-continue\r\nContent-Length: 5\r\n\r\nhello");
        (string head, byte[] second) = await client.ReadResponseAsync();

        Assert.Equal(">", Encoding.ASCII.GetString(first));
        Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);
        Assert.Equal(">hello", Encoding.ASCII.GetString(second));
        Assert.Equal(relayed + 1, _product.Services.GetRequiredService<HttpRelayHandler>().ConnectionsRelayed);
    }

    [Fact]
    public async Task Relay_ConnectionHandedToKestrel_CountedOnceAsAccepted()
    {
        Answer(request => $"HTTP/1.1 200 OK\r\nContent-Length: {request.Body.Length + 1}\r\n\r\n>{Encoding.ASCII.GetString(request.Body)}");
        GatewayMetrics metrics = _product.Services.GetRequiredService<GatewayMetrics>();
        long accepted = metrics.ConnectionsTotal;
        await using var client = await ClientConnection.OpenAsync(_product.GatewayEndpoint);

        await client.SendAsync(Get("/relayed"));
        await client.ReadResponseAsync();
        await client.SendAsync($"POST http://127.0.97.200/expect HTTP/1.1\r\nHost: 127.0.97.200\r\nProxy-Authorization: {ClientAuthorization}\r\n"
            + "Expect: 100-continue\r\nContent-Length: 5\r\n\r\nhello");
        (string head, _) = await client.ReadResponseAsync();

        Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);
        Assert.Equal(accepted + 1, metrics.ConnectionsTotal);
        Assert.Equal(1L, metrics.ActiveConnections);
    }

    private static string ClientAuthorization => GatewayRawClient.Basic(TestConfigs.User, TestConfigs.Password);

    private static string Get(string path, string method = "GET") =>
        $"{method} http://127.0.97.200{path} HTTP/1.1\r\nHost: 127.0.97.200\r\nProxy-Authorization: {ClientAuthorization}\r\n\r\n";

    private static ProxyEntryOptions Entry(string url)
    {
        Assert.True(UpstreamEndpoint.TryParse(url, out UpstreamEndpoint? endpoint, out string? error), error);
        return new ProxyEntryOptions { Endpoint = endpoint! };
    }

    // Health probes reach the upstream too; the tests' own requests name 127.0.97.200.
    private ScriptedHttpUpstream.Request[] OriginRequests() =>
        [.. _upstream.Requests.Where(r => r.Target.StartsWith("http://127.0.97.200/", StringComparison.Ordinal))];

    private void Answer(Func<ScriptedHttpUpstream.Request, string> answer) =>
        _upstream.Answer = async (request, stream) =>
        {
            if (!request.Target.StartsWith("http://127.0.97.200/", StringComparison.Ordinal))
            {
                return await ScriptedHttpUpstream.DefaultAsync(request, stream);
            }

            await ScriptedHttpUpstream.WriteAsync(stream, answer(request));
            return true;
        };

    /// <summary>A raw client connection that reads responses by their framing (1xx skipped).</summary>
    private sealed class ClientConnection : IAsyncDisposable
    {
        private readonly TcpClient _client;
        private readonly NetworkStream _stream;
        private readonly List<byte> _buffered = [];

        private ClientConnection(TcpClient client)
        {
            _client = client;
            _stream = client.GetStream();
        }

        public static async Task<ClientConnection> OpenAsync(IPEndPoint gateway)
        {
            var client = new TcpClient();
            await client.ConnectAsync(gateway);
            return new ClientConnection(client);
        }

        public Task SendAsync(string text) => _stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

        public async Task<(string Head, byte[] Body)> ReadResponseAsync(bool isHead = false)
        {
            while (true)
            {
                string head = Encoding.Latin1.GetString(await ReadUntilAsync("\r\n\r\n"u8.ToArray()));
                if (head.StartsWith("HTTP/1.1 1", StringComparison.Ordinal))
                {
                    continue;
                }

                string? length = HeaderOf(head, "Content-Length");
                if (isHead || head.StartsWith("HTTP/1.1 204", StringComparison.Ordinal) || head.StartsWith("HTTP/1.1 304", StringComparison.Ordinal))
                {
                    return (head, []);
                }

                if (string.Equals(HeaderOf(head, "Transfer-Encoding"), "chunked", StringComparison.OrdinalIgnoreCase))
                {
                    var raw = new List<byte>();
                    while (true)
                    {
                        byte[] line = await ReadUntilAsync("\r\n"u8.ToArray());
                        raw.AddRange(line);
                        int size = Convert.ToInt32(Encoding.ASCII.GetString(line).TrimEnd().Split(';')[0], 16);
                        if (size == 0)
                        {
                            byte[] trailer;
                            do
                            {
                                trailer = await ReadUntilAsync("\r\n"u8.ToArray());
                                raw.AddRange(trailer);
                            }
                            while (trailer.Length > 2);
                            return (head, [.. raw]);
                        }

                        raw.AddRange(await ReadExactlyAsync(size + 2));
                    }
                }

                if (length is not null)
                {
                    return (head, await ReadExactlyAsync(int.Parse(length, System.Globalization.CultureInfo.InvariantCulture)));
                }

                while (await FillAsync())
                {
                }

                byte[] rest = [.. _buffered];
                _buffered.Clear();
                return (head, rest);
            }
        }

        public async Task<bool> IsClosedAsync() => _buffered.Count == 0 && !await FillAsync();

        public async ValueTask DisposeAsync()
        {
            await _stream.DisposeAsync();
            _client.Dispose();
        }

        private async Task<byte[]> ReadUntilAsync(byte[] end)
        {
            while (true)
            {
                for (int i = 0; i <= _buffered.Count - end.Length; i++)
                {
                    if (_buffered.GetRange(i, end.Length).SequenceEqual(end))
                    {
                        byte[] taken = _buffered.GetRange(0, i + end.Length).ToArray();
                        _buffered.RemoveRange(0, i + end.Length);
                        return taken;
                    }
                }

                Assert.True(await FillAsync(), "the gateway closed the connection mid-response");
            }
        }

        private async Task<byte[]> ReadExactlyAsync(int count)
        {
            while (_buffered.Count < count)
            {
                Assert.True(await FillAsync(), "the gateway closed the connection mid-body");
            }

            byte[] taken = _buffered.GetRange(0, count).ToArray();
            _buffered.RemoveRange(0, count);
            return taken;
        }

        private async Task<bool> FillAsync()
        {
            byte[] chunk = new byte[8192];
            int read = await _stream.ReadAsync(chunk).AsTask().WaitAsync(_timeout);
            _buffered.AddRange(chunk.AsSpan(0, read).ToArray());
            return read > 0;
        }

        private static string? HeaderOf(string head, string name) => head.Split("\r\n").Skip(1)
            .Where(line => line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            .Select(line => line[(name.Length + 1)..].Trim()).FirstOrDefault();
    }
}
