using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using ProxyRotator.Core.Upstreams;
using ProxyRotator.Gateway.Listening;
using ProxyRotator.Gateway.Relay;

namespace ProxyRotator.UnitTests.Gateway.Relay;

/// <summary>The relay of a connection the gateway accepted itself: socket to socket, after what the handshake's pipe holds.</summary>
public sealed class SocketTunnelRelayTests : IAsyncLifetime, IDisposable
{
    private Socket _client = null!;
    private Socket _gatewayClientSide = null!;
    private Socket _gatewayUpstreamSide = null!;
    private Socket _upstream = null!;

    public async Task InitializeAsync()
    {
        (_client, _gatewayClientSide) = await PairAsync();
        (_gatewayUpstreamSide, _upstream) = await PairAsync();
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _client?.Dispose();
        _gatewayClientSide?.Dispose();
        _gatewayUpstreamSide?.Dispose();
        _upstream?.Dispose();
    }

    [Fact]
    public async Task RunAsync_SocketClient_SendsBufferedBytesFirstThenCopiesBothWays()
    {
        var pipe = new SocketDuplexPipe(_gatewayClientSide);
        await _client.SendAsync("hello "u8.ToArray());
        await LeaveBufferedAsync(pipe.Input, 6);
        Task<RelayResult> relay = StartRelay(pipe);

        await _client.SendAsync("upstream"u8.ToArray());
        byte[] received = new byte[14];
        await ReceiveExactlyAsync(_upstream, received);
        await _upstream.SendAsync("hi"u8.ToArray());
        byte[] answer = new byte[2];
        await ReceiveExactlyAsync(_client, answer);
        _upstream.Shutdown(SocketShutdown.Both);
        RelayResult result = await relay.WaitAsync(TimeSpan.FromSeconds(10));
        int afterEnd = await _client.ReceiveAsync(new byte[1].AsMemory()).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("hello upstream", System.Text.Encoding.ASCII.GetString(received));
        Assert.Equal("hi", System.Text.Encoding.ASCII.GetString(answer));
        Assert.Equal(14, result.BytesFromClient);
        Assert.Equal(2, result.BytesToClient);
        Assert.Equal(RelayEnd.UpstreamClosed, result.End);
        Assert.Equal(0, afterEnd); // the client saw the tunnel end
    }

    [Fact]
    public async Task RunAsync_SocketClientHalfCloses_UpstreamSeesFinAndCanStillAnswer()
    {
        Task<RelayResult> relay = StartRelay(new SocketDuplexPipe(_gatewayClientSide));

        await _client.SendAsync("request"u8.ToArray());
        _client.Shutdown(SocketShutdown.Send);
        byte[] buffer = new byte[64];
        int total = 0, read;
        while ((read = await _upstream.ReceiveAsync(buffer.AsMemory(total))) > 0)
        {
            total += read;
        }

        await _upstream.SendAsync("late answer"u8.ToArray());
        _upstream.Shutdown(SocketShutdown.Send);
        byte[] answer = new byte[11];
        await ReceiveExactlyAsync(_client, answer);
        RelayResult result = await relay.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(7, total);
        Assert.Equal("late answer", System.Text.Encoding.ASCII.GetString(answer));
        Assert.Equal(RelayEnd.UpstreamClosed, result.End);
    }

    [Fact]
    public async Task RunAsync_SocketClientResets_EndsWithClientClosed()
    {
        Task<RelayResult> relay = StartRelay(new SocketDuplexPipe(_gatewayClientSide));

        _client.LingerState = new LingerOption(true, 0);
        _client.Close(); // a reset, not a FIN
        RelayResult result = await relay.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(RelayEnd.ClientClosed, result.End);
    }

    [Fact]
    public async Task RunAsync_SocketClient_RunsTheClientSocketsCompletionsInline()
    {
        var pipe = new SocketDuplexPipe(_gatewayClientSide);
        Task<RelayResult> relay = StartRelay(pipe);
        await _client.SendAsync("x"u8.ToArray());
        await ReceiveExactlyAsync(_upstream, new byte[1]);

        Assert.True(InlineSocketCompletions.IsEnabled(_gatewayClientSide)); // the relay never blocks: no pool hop per read
        _upstream.Shutdown(SocketShutdown.Both);
        await relay.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task RunAsync_UpstreamEnds_ShutsTheClientSocketDownOnceAndTheConnectionCloseSkipsItsOwnShutdown()
    {
        var connection = new RawSocketConnection(_gatewayClientSide, 1);
        var pipe = (SocketDuplexPipe)connection.Transport;
        Task<RelayResult> relay = StartRelay(pipe);
        _upstream.Shutdown(SocketShutdown.Both);
        await relay.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(pipe.IsShutDown); // so the close below does not call shutdown(2) a second time
        await connection.DisposeAsync();
        Assert.Equal(0, await _client.ReceiveAsync(new byte[1].AsMemory()).AsTask().WaitAsync(TimeSpan.FromSeconds(10))); // a FIN, not a reset
    }

    [Fact]
    public async Task DisposeAsync_NotShutDownByARelay_StillSendsAFin()
    {
        var connection = new RawSocketConnection(_gatewayClientSide, 1);

        await connection.DisposeAsync();

        Assert.False(((SocketDuplexPipe)connection.Transport).IsShutDown);
        Assert.Equal(0, await _client.ReceiveAsync(new byte[1].AsMemory()).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task RunAsync_SocketClientIdle_EndsWithIdleTimeout()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        Task<RelayResult> relay = new TunnelRelay(time).RunAsync(new SocketDuplexPipe(_gatewayClientSide),
            new NetworkStream(_gatewayUpstreamSide, ownsSocket: false), _gatewayUpstreamSide, TimeSpan.FromSeconds(30), CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(31));
        RelayResult result = await relay.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(RelayEnd.IdleTimeout, result.End); // the idle source also carries the caller's token: told apart
    }

    [Fact]
    public async Task RunAsync_SocketClientCallerCancels_EndsCancelledNotIdle()
    {
        using var caller = new CancellationTokenSource();
        Task<RelayResult> relay = new TunnelRelay(TimeProvider.System).RunAsync(new SocketDuplexPipe(_gatewayClientSide),
            new NetworkStream(_gatewayUpstreamSide, ownsSocket: false), _gatewayUpstreamSide, TimeSpan.FromSeconds(30), caller.Token);

        await caller.CancelAsync();
        RelayResult result = await relay.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(RelayEnd.Cancelled, result.End);
    }

    private Task<RelayResult> StartRelay(SocketDuplexPipe client) =>
        new TunnelRelay(TimeProvider.System).RunAsync(client, new NetworkStream(_gatewayUpstreamSide, ownsSocket: false), _gatewayUpstreamSide, TimeSpan.FromSeconds(30), CancellationToken.None);

    // What a handshake parser leaves behind: bytes read from the socket into the pipe, examined but not consumed.
    private static async Task LeaveBufferedAsync(PipeReader input, int count)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            if (result.Buffer.Length >= count)
            {
                return;
            }
        }
    }

    private static async Task ReceiveExactlyAsync(Socket socket, byte[] buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = await socket.ReceiveAsync(buffer.AsMemory(total)).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.NotEqual(0, read);
            total += read;
        }
    }

    private static async Task<(Socket Connecting, Socket Accepted)> PairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var connecting = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Task<Socket> accept = listener.AcceptAsync();
        await connecting.ConnectAsync(listener.LocalEndPoint!);
        return (connecting, await accept);
    }
}
