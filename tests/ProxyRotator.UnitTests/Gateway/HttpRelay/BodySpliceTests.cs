using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using ProxyRotator.Gateway.HttpRelay;

namespace ProxyRotator.UnitTests.Gateway.HttpRelay;

/// <summary>
/// <see cref="BodySplice"/> and <see cref="SplicePipe"/> over real loopback sockets: an upstream writes into the
/// relay's source socket, a client reads from its destination socket. Linux only (splice(2)); elsewhere they return early.
/// </summary>
public sealed class BodySpliceTests
{
    private static readonly TimeSpan _idle = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(1)]
    [InlineData(16 * 1024)]
    [InlineData(100 * 1024)]
    [InlineData(128 * 1024 + 1)]
    [InlineData(3 * 1024 * 1024 + 7)]
    public async Task RelayAsync_ContentLengthBody_ArrivesByteExactAndNothingAfterItIsTaken(int length)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var link = await SpliceLink.OpenAsync();
        using SplicePipe pipe = SplicePipe.TryCreate(128 * 1024)!;
        byte[] body = RandomBody(length);
        byte[] next = "HTTP/1.1 200 OK\r\n"u8.ToArray(); // the next response on the same connection must stay unread
        var scanner = new BodyScanner();
        scanner.Reset(BodyFraming.ContentLength, length);
        using var deadline = new RelayDeadline(TimeProvider.System, CancellationToken.None);

        Task write = WriteAsync(link.Upstream, [.. body, .. next]);
        Task<byte[]> received = ReadExactlyAsync(link.Client, length);
        BodyRelayEnd? end = await BodySplice.RelayAsync(link.Source, link.Destination, link.DestinationStream, pipe, scanner, deadline, _idle);
        await write;

        Assert.Equal(BodyRelayEnd.Complete, end);
        Assert.Equal(body, await received);
        Assert.Equal(length, scanner.PayloadBytes);
        Assert.True(scanner.IsComplete);
        Assert.Equal(0, pipe.Buffered);
        byte[] rest = new byte[next.Length];
        await link.Source.ReceiveAsync(rest.AsMemory(), SocketFlags.None);
        Assert.Equal(next, rest);
    }

    [Fact]
    public async Task RelayAsync_UpstreamClosesBeforeTheEnd_SourceEndedWithTheBytesItSentCountedAndDelivered()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var link = await SpliceLink.OpenAsync();
        using SplicePipe pipe = SplicePipe.TryCreate(128 * 1024)!;
        byte[] sent = RandomBody(50_000);
        var scanner = new BodyScanner();
        scanner.Reset(BodyFraming.ContentLength, 100_000);
        using var deadline = new RelayDeadline(TimeProvider.System, CancellationToken.None);

        await WriteAsync(link.Upstream, sent);
        link.Upstream.Shutdown(SocketShutdown.Send);
        BodyRelayEnd? end = await BodySplice.RelayAsync(link.Source, link.Destination, link.DestinationStream, pipe, scanner, deadline, _idle);

        Assert.Equal(BodyRelayEnd.SourceEnded, end);
        Assert.False(scanner.IsComplete);
        Assert.Equal(50_000, scanner.PayloadBytes);
        Assert.Equal(sent, await ReadExactlyAsync(link.Client, sent.Length));
    }

    [Fact]
    public async Task RelayAsync_ClientReadsNothingUntilTheDestinationIsFull_RestGoesThroughUserSpaceAndArrivesByteExact()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var link = await SpliceLink.OpenAsync(smallDestination: true);
        using SplicePipe pipe = SplicePipe.TryCreate(128 * 1024)!;
        byte[] body = RandomBody(2 * 1024 * 1024);
        var scanner = new BodyScanner();
        scanner.Reset(BodyFraming.ContentLength, body.Length);
        using var deadline = new RelayDeadline(TimeProvider.System, CancellationToken.None);

        Task write = WriteAsync(link.Upstream, body);
        Task<BodyRelayEnd?> relay = BodySplice.RelayAsync(link.Source, link.Destination, link.DestinationStream, pipe, scanner, deadline, _idle).AsTask();
        // The client is slow: it starts reading only once a splice into its socket would have blocked (EAGAIN).
        using (var waited = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (pipe.BytesReadOut == 0)
            {
                await Task.Delay(5, waited.Token);
            }
        }

        byte[] received = await ReadExactlyAsync(link.Client, body.Length);
        await write;

        Assert.Equal(BodyRelayEnd.Complete, await relay);
        Assert.Equal(body, received);
        Assert.InRange(pipe.BytesReadOut, 1, body.Length);
    }

    [Fact]
    public async Task RelayAsync_UpstreamSilentForTheIdleTimeout_TimedOut()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var link = await SpliceLink.OpenAsync();
        using SplicePipe pipe = SplicePipe.TryCreate(128 * 1024)!;
        var time = new FakeTimeProvider();
        var scanner = new BodyScanner();
        scanner.Reset(BodyFraming.ContentLength, 100_000);
        using var deadline = new RelayDeadline(time, CancellationToken.None);

        await WriteAsync(link.Upstream, RandomBody(20_000));
        Task<BodyRelayEnd?> relay = BodySplice.RelayAsync(link.Source, link.Destination, link.DestinationStream, pipe, scanner, deadline, _idle).AsTask();
        using (var waited = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (!relay.IsCompleted)
            {
                time.Advance(_idle);
                await Task.Delay(5, waited.Token);
            }
        }

        Assert.Equal(BodyRelayEnd.TimedOut, await relay);
        Assert.Equal(20_000, scanner.PayloadBytes);
    }

    [Fact]
    public async Task RelayAsync_ClientGone_DestinationFailed()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var link = await SpliceLink.OpenAsync();
        using SplicePipe pipe = SplicePipe.TryCreate(128 * 1024)!;
        var scanner = new BodyScanner();
        scanner.Reset(BodyFraming.ContentLength, 10 * 1024 * 1024);
        using var deadline = new RelayDeadline(TimeProvider.System, CancellationToken.None);
        link.Client.LingerState = new LingerOption(true, 0);
        link.Client.Close(); // a reset: the relay's next send fails

        Task write = WriteAsync(link.Upstream, RandomBody(10 * 1024 * 1024)).ContinueWith(_ => { }, TaskScheduler.Default);
        BodyRelayEnd? end = await BodySplice.RelayAsync(link.Source, link.Destination, link.DestinationStream, pipe, scanner, deadline, _idle);
        link.Upstream.Close();
        await write;

        Assert.Equal(BodyRelayEnd.DestinationFailed, end);
    }

    [Fact]
    public async Task SplicePipe_RelaySocketsAfterAsyncOperations_AreNonBlocking()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var link = await SpliceLink.OpenAsync();

        Assert.True(SplicePipe.IsNonBlocking(link.Source.SafeHandle));
        Assert.True(SplicePipe.IsNonBlocking(link.Destination.SafeHandle));
    }

    private static byte[] RandomBody(int length)
    {
        byte[] body = new byte[length];
        new Random(length).NextBytes(body);
        return body;
    }

    private static async Task WriteAsync(Socket socket, byte[] bytes)
    {
        using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(bytes);
    }

    private static async Task<byte[]> ReadExactlyAsync(Socket socket, int length)
    {
        using var stream = new NetworkStream(socket, ownsSocket: false);
        byte[] bytes = new byte[length];
        await stream.ReadExactlyAsync(bytes);
        return bytes;
    }

    /// <summary>upstream → source (the relay reads) and destination (the relay writes) → client: two loopback connections.</summary>
    private sealed class SpliceLink : IDisposable
    {
        private SpliceLink(Socket upstream, Socket source, Socket destination, Socket client)
        {
            Upstream = upstream;
            Source = source;
            Destination = destination;
            Client = client;
            DestinationStream = new NetworkStream(destination, ownsSocket: false);
        }

        public Socket Upstream { get; }

        public Socket Source { get; }

        public Socket Destination { get; }

        public Socket Client { get; }

        public NetworkStream DestinationStream { get; }

        public static async Task<SpliceLink> OpenAsync(bool smallDestination = false)
        {
            (Socket upstream, Socket source) = await ConnectAsync(false);
            (Socket destination, Socket client) = await ConnectAsync(smallDestination);
            // As in the gateway, both relay sockets have done async operations (which makes them non-blocking).
            await source.SendAsync(ReadOnlyMemory<byte>.Empty, SocketFlags.None);
            await destination.SendAsync(ReadOnlyMemory<byte>.Empty, SocketFlags.None);
            return new SpliceLink(upstream, source, destination, client);
        }

        public void Dispose()
        {
            DestinationStream.Dispose();
            Upstream.Dispose();
            Source.Dispose();
            Destination.Dispose();
            Client.Dispose();
        }

        private static async Task<(Socket Connecting, Socket Accepted)> ConnectAsync(bool small)
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var connecting = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            if (small)
            {
                // The reading end's window and the writing end's buffer stay small, so a silent reader fills them soon.
                connecting.ReceiveBufferSize = 4096;
            }

            Task<Socket> accepted = listener.AcceptAsync();
            await connecting.ConnectAsync(listener.LocalEndPoint!);
            Socket accept = await accepted;
            if (small)
            {
                accept.SendBufferSize = 4096;
            }

            // For the small pair the accepted end is the relay's destination and the connecting end the client.
            return small ? (accept, connecting) : (connecting, accept);
        }
    }
}
