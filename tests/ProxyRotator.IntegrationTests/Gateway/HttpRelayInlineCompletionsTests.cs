using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Accounts;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Upstreams;
using ProxyRotator.Gateway.HttpRelay;
using ProxyRotator.Gateway.Pipeline;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>
/// The HTTP relay's upstream sockets run their completions inline on the socket event threads (no thread-pool hop per
/// read or write), and admission, which may hash a password on a credential-cache miss, never runs on one unless the
/// connection had the same credential admitted before under an unchanged account table and verdict cache.
/// </summary>
public sealed class HttpRelayInlineCompletionsTests : IAsyncLifetime, IDisposable
{
    private const string Origin = "127.0.98.200";
    private const string OtherUser = "second";
    private const string OtherPassword = "an0ther-pass";
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _directory = new();
    private readonly ScriptedHttpUpstream _upstream = new(IPAddress.Parse("127.0.98.1"));
    private readonly ThreadRecordingStage _stage = new();
    private ProductHost _product = null!;

    public async Task InitializeAsync()
    {
        Assert.True(UpstreamEndpoint.TryParse(_upstream.Url, out UpstreamEndpoint? endpoint, out string? error), error);
        ProxyRotatorConfig config = TestConfigs.Create(_directory.File("proxyrotator.db"),
            [new PoolOptions { Name = "scripted", Proxies = [new ProxyEntryOptions { Endpoint = endpoint! }] }]);
        config.Users.Add(new UserOptions { Name = OtherUser, Password = OtherPassword, Pools = ["*"] });
        _product = await ProductHost.StartAsync(config, services => services.AddSingleton<IRequestStage>(_stage));
        _upstream.Answer = async (request, stream) =>
        {
            if (!request.Target.StartsWith($"http://{Origin}/", StringComparison.Ordinal))
            {
                return await ScriptedHttpUpstream.DefaultAsync(request, stream);
            }

            await ScriptedHttpUpstream.WriteAsync(stream, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            return true;
        };
    }

    public async Task DisposeAsync()
    {
        await _product.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Relay_UpstreamConnection_RunsItsCompletionsInline()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_product.GatewayEndpoint);
        NetworkStream stream = client.GetStream();

        UpstreamHttpConnectionPool pool = _product.Services.GetRequiredService<UpstreamHttpConnectionPool>();
        _stage.Snapshot = pool.IdleConnections;

        // The second request's stage runs after the first exchange put its connection back in the pool.
        await stream.WriteAsync(Encoding.ASCII.GetBytes(Get("/one")));
        await ReadAnswersAsync(stream, 1);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(Get("/two")));
        string answer = await ReadAnswersAsync(stream, 1);

        Assert.StartsWith("HTTP/1.1 200", answer, StringComparison.Ordinal);
        Assert.Equal(2, _stage.Idle.Count);
        UpstreamHttpConnection pooled = Assert.Single(_stage.Idle.Last());
        Assert.True(InlineSocketCompletions.IsSupported); // Linux, .NET 10: the switch exists
        Assert.True(InlineSocketCompletions.IsEnabled(pooled.Socket));
    }

    [Fact]
    public async Task Relay_PipelinedHeadsWithCredentialsNotAdmittedBefore_AdmissionNeverRunsOnAnEventThread()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_product.GatewayEndpoint);
        NetworkStream stream = client.GetStream();

        // The later heads wait in the relay's buffer: each is served right where the previous exchange ended, which
        // (the upstream's answer read inline) is a socket event thread. Each carries another account than the one
        // before it, whose verdict this connection has not seen, so each may need PBKDF2.
        await stream.WriteAsync(Encoding.ASCII.GetBytes(Get("/one") + Get("/two", user: OtherUser) + Get("/three") + Get("/four", user: OtherUser)));
        string answers = await ReadAnswersAsync(stream, 4);

        Assert.Equal(4, answers.Split("HTTP/1.1 200").Length - 1);
        Assert.Equal(4, _stage.Seen.Count);
        Assert.All(_stage.Seen, onPool => Assert.True(onPool, "admission ran on a socket event thread"));
    }

    // As above, with the same credentials each time: the first head's admission (a possible PBKDF2) on the pool,
    // the later ones' (a remembered verdict) on the event thread that read the previous answer.
    [Fact]
    public Task Relay_PipelinedHeadsWithTheCredentialAdmittedBefore_AdmittedWhereTheyArriveWithoutAPoolHop() =>
        AssertLaterAdmissionsWithoutAPoolHopAsync(_ => TestConfigs.User);

    // A new sticky session per request: the username changes every time, the account and password do not, and the
    // remembered verdict is keyed on those two. Without this, every such request paid a pool hop.
    [Fact]
    public Task Relay_PipelinedHeadsWithTheSameAccountAndANewSessionEach_AdmittedWithoutAPoolHop() =>
        AssertLaterAdmissionsWithoutAPoolHopAsync(i => $"{TestConfigs.User}-session-n{i}");

    [Fact]
    public async Task Relay_AccountsPublishedBetweenRequests_NextAdmissionOnThePoolAgain()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_product.GatewayEndpoint);
        NetworkStream stream = client.GetStream();
        AccountDirectory directory = _product.Services.GetRequiredService<AccountDirectory>();

        await stream.WriteAsync(Encoding.ASCII.GetBytes(Get("/one") + Get("/two")));
        await ReadAnswersAsync(stream, 2);
        // A new account table (a password could have changed): the verdict behind the credential may be gone.
        directory.Publish([.. directory.Current.Entries.Select(entry => entry.Definition)]);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(Get("/three")));
        await ReadAnswersAsync(stream, 1);

        bool[] seen = [.. _stage.Seen];
        Assert.Equal(3, seen.Length);
        Assert.True(seen[2], "admission after a publish ran on a socket event thread");
    }

    [Fact]
    public async Task RunAsync_RelayedClient_ClientSocketRunsCompletionsInlineUntilHandedToKestrel()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        using Socket gatewaySide = await listener.AcceptSocketAsync();
        NetworkStream stream = client.GetStream();
        using var connection = new HttpRelayConnection(gatewaySide, "test", _product.Services.GetRequiredService<RequestPipeline>(), _product.Config.Gateway,
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);
        Task<HttpRelayConnection.Ending> running = connection.RunAsync();
        bool before = InlineSocketCompletions.IsEnabled(gatewaySide);

        await stream.WriteAsync(Encoding.ASCII.GetBytes(Get("/one")));
        await ReadAnswersAsync(stream, 1);
        bool served = InlineSocketCompletions.IsEnabled(gatewaySide);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST http://{Origin}/expect HTTP/1.1\r\nHost: {Origin}\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n"));
        HttpRelayConnection.Ending ending = await running.WaitAsync(_timeout);

        Assert.False(before); // the first head, and its admission, on the pool
        Assert.True(served); // then every read and write of the relayed connection without a pool hop
        Assert.Equal(HttpRelayConnection.Ending.HandOff, ending);
        Assert.False(InlineSocketCompletions.IsEnabled(gatewaySide)); // Kestrel's continuations may block
    }

    private static string Get(string path, string user = TestConfigs.User) =>
        $"GET http://{Origin}{path} HTTP/1.1\r\nHost: {Origin}\r\nProxy-Authorization: {GatewayRawClient.Basic(user, user == OtherUser ? OtherPassword : TestConfigs.Password)}\r\n\r\n";

    /// <summary>Six pipelined heads, the i-th as <paramref name="userOf"/>(i): the first admitted on the pool, a later one where it arrived.</summary>
    private async Task AssertLaterAdmissionsWithoutAPoolHopAsync(Func<int, string> userOf)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_product.GatewayEndpoint);
        NetworkStream stream = client.GetStream();

        await stream.WriteAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, 6).Select(i => Get($"/{i}", userOf(i))))));
        string answers = await ReadAnswersAsync(stream, 6);

        Assert.Equal(6, answers.Split("HTTP/1.1 200").Length - 1);
        bool[] seen = [.. _stage.Seen];
        Assert.Equal(6, seen.Length);
        Assert.True(seen[0], "the first admission ran on a socket event thread");
        Assert.Contains(false, seen.Skip(1));
    }

    // Answers are "...Content-Length: 2\r\n\r\nok": read until the body of the last one.
    private static async Task<string> ReadAnswersAsync(NetworkStream stream, int count)
    {
        using var timeout = new CancellationTokenSource(_timeout);
        var text = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (text.ToString().Split("\r\n\r\nok").Length - 1 < count)
        {
            int read = await stream.ReadAsync(buffer, timeout.Token);
            Assert.NotEqual(0, read);
            text.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }

        return text.ToString();
    }

    /// <summary>Runs right after admission, on its thread: records whether that was a thread-pool worker.</summary>
    private sealed class ThreadRecordingStage : IRequestStage
    {
        public ConcurrentQueue<bool> Seen { get; } = new();

        public Func<UpstreamHttpConnection[]>? Snapshot { get; set; }

        /// <summary>The relay's idle upstream connections at each request (with <see cref="Snapshot"/>).</summary>
        public ConcurrentQueue<UpstreamHttpConnection[]> Idle { get; } = new();

        public ValueTask<GatewayAnswer?> InvokeAsync(GatewayRequest request, CancellationToken cancellationToken)
        {
            if (request.TargetHost == Origin)
            {
                Seen.Enqueue(Thread.CurrentThread.IsThreadPoolThread);
                if (Snapshot is { } snapshot)
                {
                    Idle.Enqueue(snapshot());
                }
            }

            return ValueTask.FromResult<GatewayAnswer?>(null);
        }
    }
}
