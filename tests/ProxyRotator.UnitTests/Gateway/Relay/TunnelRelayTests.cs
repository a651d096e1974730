using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using ProxyRotator.Gateway.Relay;

namespace ProxyRotator.UnitTests.Gateway.Relay;

public sealed class TunnelRelayTests : IAsyncLifetime, IDisposable
{
    private readonly Pipe _fromClient = new();
    private readonly Pipe _toClient = new();
    private Socket _gatewaySide = null!;
    private Socket _upstreamSide = null!;

    public async Task InitializeAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        _gatewaySide = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Task<Socket> accept = listener.AcceptAsync();
        await _gatewaySide.ConnectAsync(listener.LocalEndPoint!);
        _upstreamSide = await accept;
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _gatewaySide?.Dispose();
        _upstreamSide?.Dispose();
    }

    [Fact]
    public async Task RunAsync_BytesBothWays_AreCopiedAndCounted()
    {
        Task<RelayResult> relay = StartRelay(TimeProvider.System, TimeSpan.FromSeconds(30));

        await _fromClient.Writer.WriteAsync("hello upstream"u8.ToArray());
        byte[] received = new byte[14];
        await ReceiveExactlyAsync(_upstreamSide, received);
        await _upstreamSide.SendAsync("hello client!"u8.ToArray());
        string toClient = await ReadClientAsync(13);
        _upstreamSide.Shutdown(SocketShutdown.Both);
        RelayResult result = await relay.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("hello upstream", System.Text.Encoding.ASCII.GetString(received));
        Assert.Equal("hello client!", toClient);
        Assert.Equal(14, result.BytesFromClient);
        Assert.Equal(13, result.BytesToClient);
        Assert.Equal(RelayEnd.UpstreamClosed, result.End);
    }

    [Fact]
    public async Task RunAsync_ClientHalfCloses_UpstreamSeesFinAndCanStillAnswer()
    {
        Task<RelayResult> relay = StartRelay(TimeProvider.System, TimeSpan.FromSeconds(30));

        await _fromClient.Writer.WriteAsync("request"u8.ToArray());
        await _fromClient.Writer.CompleteAsync();
        byte[] buffer = new byte[64];
        int total = 0, read;
        while ((read = await _upstreamSide.ReceiveAsync(buffer.AsMemory(total))) > 0)
        {
            total += read;
        }

        await _upstreamSide.SendAsync("late answer"u8.ToArray());
        _upstreamSide.Shutdown(SocketShutdown.Send);
        string answer = await ReadClientAsync(11);
        RelayResult result = await relay.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(7, total);
        Assert.Equal("late answer", answer);
        Assert.Equal(RelayEnd.UpstreamClosed, result.End);
    }

    [Fact]
    public async Task RunAsync_UpstreamCloses_EndsTheClientSideToo()
    {
        Task<RelayResult> relay = StartRelay(TimeProvider.System, TimeSpan.FromSeconds(30));

        _upstreamSide.Shutdown(SocketShutdown.Both);
        RelayResult result = await relay.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(RelayEnd.UpstreamClosed, result.End);
        Assert.True(relay.IsCompleted);
    }

    [Fact]
    public async Task RunAsync_NothingMovesForIdleTimeout_EndsWithIdleTimeout()
    {
        var time = new FakeTimeProvider();
        Task<RelayResult> relay = StartRelay(time, TimeSpan.FromSeconds(30));

        time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(50);
        Assert.False(relay.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));
        RelayResult result = await relay.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(RelayEnd.IdleTimeout, result.End);
    }

    [Fact]
    public async Task RunAsync_CallerCancels_EndsBothDirectionsAtOnce()
    {
        using var cts = new CancellationTokenSource();
        Task<RelayResult> relay = StartRelay(TimeProvider.System, TimeSpan.FromSeconds(30), cts.Token);

        await cts.CancelAsync();
        RelayResult result = await relay.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(RelayEnd.Cancelled, result.End);
    }

    private Task<RelayResult> StartRelay(TimeProvider time, TimeSpan idle, CancellationToken cancellationToken = default)
    {
        var relay = new TunnelRelay(time);
        var client = new TestDuplexPipe(_fromClient.Reader, _toClient.Writer);
        return relay.RunAsync(client, new NetworkStream(_gatewaySide, ownsSocket: false), _gatewaySide, idle, cancellationToken);
    }

    private async Task<string> ReadClientAsync(int count)
    {
        while (true)
        {
            ReadResult read = await _toClient.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (read.Buffer.Length >= count || read.IsCompleted)
            {
                string text = System.Text.Encoding.ASCII.GetString(read.Buffer.Slice(0, Math.Min(count, read.Buffer.Length)).ToArray());
                _toClient.Reader.AdvanceTo(read.Buffer.GetPosition(Math.Min(count, read.Buffer.Length)));
                return text;
            }

            _toClient.Reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    private static async Task ReceiveExactlyAsync(Socket socket, byte[] buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = await socket.ReceiveAsync(buffer.AsMemory(total));
            Assert.NotEqual(0, read);
            total += read;
        }
    }

    private sealed class TestDuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
