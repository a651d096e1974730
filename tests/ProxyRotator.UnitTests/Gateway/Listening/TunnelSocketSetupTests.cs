using System.Net;
using System.Net.Sockets;
using System.Text;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Upstreams;
using ProxyRotator.Gateway.Http;

namespace ProxyRotator.UnitTests.Gateway.Listening;

/// <summary>What a tunnel's sockets are set up and closed with, each in as few system calls as the same behaviour allows.</summary>
public sealed class TunnelSocketSetupTests
{
    [Fact]
    public async Task Accept_ListenerHasNoDelay_AcceptedSocketHasItWithoutSettingIt()
    {
        // GatewaySocketListener sets TCP_NODELAY on its listener only, relying on Linux copying it to each accepted socket.
        if (!OperatingSystem.IsLinux())
        {
            return; // elsewhere the listener sets it on every accepted socket
        }

        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!);

        using Socket accepted = await listener.AcceptAsync();

        Assert.True(accepted.NoDelay);
    }

    [Fact]
    public async Task Dispose_UpstreamEnded_ClosesSocketAndStreamAndThePeerSeesAFin()
    {
        (Socket gatewaySide, Socket upstream) = await PairAsync();
        using Socket peer = upstream;
        var network = new NetworkStream(gatewaySide, ownsSocket: true);
        var connection = new UpstreamConnection(null, new UpstreamEndpoint(UpstreamScheme.Http, "127.0.0.1", 1, null, null), gatewaySide,
            new PrefixedStream("x"u8.ToArray(), network), TimeSpan.Zero, TimeSpan.Zero);
        peer.Shutdown(SocketShutdown.Send);

        await connection.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => gatewaySide.Available);
        Assert.False(network.CanRead); // disposed too
        int read = await peer.ReceiveAsync(new byte[1].AsMemory()).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, read); // an orderly end (a reset would throw)
    }

    [Theory]
    [InlineData(null, null, "HTTP/1.1 200 Connection established\r\n\r\n")]
    [InlineData(42L, null, "HTTP/1.1 200 Connection established\r\nX-ProxyRotator-Upstream: 42\r\n\r\n")]
    [InlineData(7L, "s-1ü", "HTTP/1.1 200 Connection established\r\nX-ProxyRotator-Upstream: 7\r\nX-ProxyRotator-Session: s-1ü\r\n\r\n")]
    public void FormatConnectEstablished_UpstreamAndSession_WritesTheHeadersInOrder(long? upstreamId, string? session, string expected)
    {
        byte[] buffer = new byte[RawHttpAnswers.ConnectEstablishedMaxLength(session)];

        int length = RawHttpAnswers.FormatConnectEstablished(buffer, upstreamId, session);

        Assert.Equal(expected, Encoding.UTF8.GetString(buffer, 0, length));
    }

    [Fact]
    public async Task WriteConnectEstablishedAsync_OwnSocketConnection_ClientReceivesTheWholeAnswer()
    {
        (Socket gatewaySide, Socket client) = await PairAsync();
        using Socket server = gatewaySide;
        using Socket peer = client;
        var transport = new ProxyRotator.Gateway.Listening.RawSocketConnection(server, 1).Transport;

        await RawHttpAnswers.WriteConnectEstablishedAsync(transport, 3, null, CancellationToken.None);

        byte[] received = new byte[128];
        int read = await peer.ReceiveAsync(received.AsMemory()).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("HTTP/1.1 200 Connection established\r\nX-ProxyRotator-Upstream: 3\r\n\r\n", Encoding.ASCII.GetString(received, 0, read));
    }

    private static async Task<(Socket, Socket)> PairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var connecting = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await connecting.ConnectAsync(listener.LocalEndPoint!);
        Socket accepted = await listener.AcceptAsync();
        return (accepted, connecting);
    }
}
