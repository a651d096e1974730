using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Core.Pool;
using ProxyRotator.Gateway.Pipeline;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Simulation.Upstreams;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>
/// Issue 15 §2: SOCKS5 UDP ASSOCIATE through a simulated UDP-capable SOCKS5 upstream (pool <c>udp_pool</c>, marked
/// <c>"udp": true</c>) to a DNS-style responder on loopback; a pool without UDP (<c>tcp_only</c>) gets 0x07.
/// </summary>
public sealed class Socks5UdpAssociateTests(Socks5UdpAssociateTests.Fixture fixture) : IClassFixture<Socks5UdpAssociateTests.Fixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public sealed class Fixture : IAsyncLifetime, IDisposable
    {
        private readonly TempDirectory _directory = new();

        public SimulatedUpstreamProxy UdpUpstream { get; private set; } = null!;

        public SimulatedUpstreamProxy TcpUpstream { get; private set; } = null!;

        public ProductHost Product { get; private set; } = null!;

        public RecordingCompletionSink Completed { get; } = new();

        public async Task InitializeAsync()
        {
            UdpUpstream = SimulatedUpstreamProxy.Start(new SimulatedUpstreamOptions
            {
                ListenAddress = IPAddress.Parse("127.61.0.2"),
                OutgoingAddress = IPAddress.Parse("127.61.0.12"),
                Scheme = UpstreamScheme.Socks5,
                Username = "up",
                Password = "up-pass",
                SupportsUdp = true,
            });
            TcpUpstream = SimulatedUpstreamProxy.Start(new SimulatedUpstreamOptions
            {
                ListenAddress = IPAddress.Parse("127.61.0.3"),
                Scheme = UpstreamScheme.Socks5,
            });
            ProxyRotatorConfig config = TestConfigs.Create(_directory.File("proxyrotator.db"),
            [
                new PoolOptions { Name = "udp_pool", Udp = true, Proxies = [new ProxyEntryOptions { Endpoint = UdpUpstream.Endpoint }] },
                new PoolOptions { Name = "tcp_only", Proxies = [new ProxyEntryOptions { Endpoint = TcpUpstream.Endpoint }] },
            ]);
            Product = await ProductHost.StartAsync(config, services => services.AddSingleton<IRequestCompletionSink>(Completed));
        }

        public async Task DisposeAsync()
        {
            await Product.DisposeAsync();
            await UdpUpstream.DisposeAsync();
            await TcpUpstream.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }

        public void Dispose()
        {
            Completed.Dispose();
            _directory.Dispose();
        }
    }

    [Fact]
    public async Task UdpAssociate_DnsStyleQueryThroughUdpUpstream_AnswerComesBackFromTheUpstreamExit()
    {
        await using var responder = new UdpAnswerResponder(new IPEndPoint(IPAddress.Loopback, 0));
        using var control = new TcpClient();
        IPEndPoint relay = await AssociateAsync(control, TestConfigs.User);
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        await udp.SendToAsync(Wrap(responder.EndPoint, "example.test A?"), SocketFlags.None, relay);
        (IPEndPoint source, string payload) = await ReceiveAsync(udp);

        Assert.Equal(UdpAnswerResponder.AnswerFor("example.test A?"), payload);
        Assert.Equal(responder.EndPoint, source);
        (IPEndPoint sender, _) = Assert.Single(responder.Received);
        Assert.Equal(IPAddress.Parse("127.61.0.12"), sender.Address);
    }

    [Fact]
    public async Task UdpAssociate_PoolWithoutUdp_RepliesCommandNotSupported()
    {
        using var control = new TcpClient();
        byte[] reply = await RequestAssociateAsync(control, TestConfigs.User + "-pool-tcp_only");

        Assert.Equal(0x07, reply[1]);
    }

    [Fact]
    public async Task UdpAssociate_DatagramToForbiddenTarget_IsDroppedAndCounted()
    {
        // A UDP responder on the admin listener's port number: the target policy never lets a client reach it.
        int adminPort = fixture.Product.AdminUri.Port;
        await using var forbidden = new UdpAnswerResponder(new IPEndPoint(IPAddress.Loopback, adminPort));
        await using var allowed = new UdpAnswerResponder(new IPEndPoint(IPAddress.Loopback, 0));
        GatewayMetrics metrics = fixture.Product.Services.GetRequiredService<GatewayMetrics>();
        long droppedBefore = Forbidden(metrics);
        using var control = new TcpClient();
        IPEndPoint relay = await AssociateAsync(control, TestConfigs.User);
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        await udp.SendToAsync(Wrap(forbidden.EndPoint, "admin?"), SocketFlags.None, relay);
        await udp.SendToAsync(Wrap(allowed.EndPoint, "public?"), SocketFlags.None, relay);
        (IPEndPoint source, string payload) = await ReceiveAsync(udp);

        // Datagrams go out in order: had the first one been relayed, it would have reached its responder before this answer.
        Assert.Equal(allowed.EndPoint, source);
        Assert.Equal(UdpAnswerResponder.AnswerFor("public?"), payload);
        Assert.Empty(forbidden.Received);
        Assert.Equal(droppedBefore + 1, Forbidden(metrics));
    }

    [Fact]
    public async Task UdpAssociate_DatagramFromAnotherAddress_IsDropped()
    {
        await using var responder = new UdpAnswerResponder(new IPEndPoint(IPAddress.Loopback, 0));
        GatewayMetrics metrics = fixture.Product.Services.GetRequiredService<GatewayMetrics>();
        long droppedBefore = Dropped(metrics, "foreign-source");
        using var control = new TcpClient();
        IPEndPoint relay = await AssociateAsync(control, TestConfigs.User);
        using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stranger.Bind(new IPEndPoint(IPAddress.Parse("127.61.0.99"), 0));
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        await stranger.SendToAsync(Wrap(responder.EndPoint, "stranger?"), SocketFlags.None, relay);
        await udp.SendToAsync(Wrap(responder.EndPoint, "client?"), SocketFlags.None, relay);
        (_, string payload) = await ReceiveAsync(udp);

        Assert.Equal(UdpAnswerResponder.AnswerFor("client?"), payload);
        Assert.Equal(["client?"], responder.Received.Select(r => r.Query));
        Assert.Equal(droppedBefore + 1, Dropped(metrics, "foreign-source"));
    }

    [Fact]
    public async Task UdpAssociate_DeclaredSourcePort_DatagramFromAnotherPortOfTheClientsHost_IsDroppedNotLockedIn()
    {
        // RFC 1928 §7: DST.ADDR/DST.PORT say where the client sends from. A stranger on the client's host (same address,
        // another port) that sends first must neither be relayed nor take the association over from the client.
        await using var responder = new UdpAnswerResponder(new IPEndPoint(IPAddress.Loopback, 0));
        GatewayMetrics metrics = fixture.Product.Services.GetRequiredService<GatewayMetrics>();
        long droppedBefore = Dropped(metrics, "foreign-source");
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stranger.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var control = new TcpClient();
        IPEndPoint relay = await AssociateAsync(control, TestConfigs.User, declaredPort: ((IPEndPoint)udp.LocalEndPoint!).Port);

        await stranger.SendToAsync(Wrap(responder.EndPoint, "stranger?"), SocketFlags.None, relay);
        await udp.SendToAsync(Wrap(responder.EndPoint, "client?"), SocketFlags.None, relay);
        (_, string payload) = await ReceiveAsync(udp);

        Assert.Equal(UdpAnswerResponder.AnswerFor("client?"), payload);
        Assert.Equal(["client?"], responder.Received.Select(r => r.Query));
        Assert.Equal(droppedBefore + 1, Dropped(metrics, "foreign-source"));
    }

    [Fact]
    public async Task UdpAssociate_NoDeclaredSource_FirstDatagramFixesThePort_LaterOtherPortDropped()
    {
        // All zeros in the request: the first datagram from the client's address tells its port; another port after it
        // is not the client (RFC 1928 §7 relays for the one recorded source only).
        await using var responder = new UdpAnswerResponder(new IPEndPoint(IPAddress.Loopback, 0));
        GatewayMetrics metrics = fixture.Product.Services.GetRequiredService<GatewayMetrics>();
        long droppedBefore = Dropped(metrics, "foreign-source");
        using var control = new TcpClient();
        IPEndPoint relay = await AssociateAsync(control, TestConfigs.User);
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var otherPort = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        otherPort.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        await udp.SendToAsync(Wrap(responder.EndPoint, "first?"), SocketFlags.None, relay);
        (_, string first) = await ReceiveAsync(udp);
        await otherPort.SendToAsync(Wrap(responder.EndPoint, "moved?"), SocketFlags.None, relay);
        await udp.SendToAsync(Wrap(responder.EndPoint, "again?"), SocketFlags.None, relay);
        (_, string again) = await ReceiveAsync(udp);

        Assert.Equal(UdpAnswerResponder.AnswerFor("first?"), first);
        Assert.Equal(UdpAnswerResponder.AnswerFor("again?"), again);
        Assert.Equal(["first?", "again?"], responder.Received.Select(r => r.Query));
        Assert.Equal(droppedBefore + 1, Dropped(metrics, "foreign-source"));
    }

    [Fact]
    public async Task UdpAssociate_FragmentedDatagram_IsDropped()
    {
        await using var responder = new UdpAnswerResponder(new IPEndPoint(IPAddress.Loopback, 0));
        GatewayMetrics metrics = fixture.Product.Services.GetRequiredService<GatewayMetrics>();
        long droppedBefore = Dropped(metrics, "fragment");
        using var control = new TcpClient();
        IPEndPoint relay = await AssociateAsync(control, TestConfigs.User);
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        byte[] fragment = Wrap(responder.EndPoint, "fragment?");
        fragment[2] = 1;

        await udp.SendToAsync(fragment, SocketFlags.None, relay);
        await udp.SendToAsync(Wrap(responder.EndPoint, "whole?"), SocketFlags.None, relay);
        (_, string payload) = await ReceiveAsync(udp);

        Assert.Equal(UdpAnswerResponder.AnswerFor("whole?"), payload);
        Assert.Equal(["whole?"], responder.Received.Select(r => r.Query));
        Assert.Equal(droppedBefore + 1, Dropped(metrics, "fragment"));
    }

    [Fact]
    public async Task UdpAssociate_ClientClosesControlConnection_AssociationEndsWithBytesAccounted()
    {
        await using var responder = new UdpAnswerResponder(new IPEndPoint(IPAddress.Loopback, 0));
        var control = new TcpClient();
        IPEndPoint relay = await AssociateAsync(control, TestConfigs.User + "-session-udpclose");
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await udp.ConnectAsync(relay);
        await udp.SendAsync(Wrap(responder.EndPoint, "close?"), SocketFlags.None);
        await ReceiveAsync(udp);

        control.Dispose();
        RequestSummary summary = (await fixture.Completed.WaitForAsync(s => s.SessionId == "udpclose"))[0];

        Assert.Null(summary.ErrorCode);
        Assert.Equal((byte)0x00, summary.SocksReply);
        Assert.Equal("close?".Length, summary.BytesFromClient);
        Assert.Equal(UdpAnswerResponder.AnswerFor("close?").Length, summary.BytesToClient);

        // The relay socket is closed with the association: the next datagram meets a closed port.
        await udp.SendAsync(Wrap(responder.EndPoint, "late?"), SocketFlags.None);
        SocketException closed = await Assert.ThrowsAsync<SocketException>(async () => await ReceiveAsync(udp));
        Assert.Equal(SocketError.ConnectionRefused, closed.SocketErrorCode);
    }

    private static long Forbidden(GatewayMetrics metrics) => Dropped(metrics, "forbidden");

    private static long Dropped(GatewayMetrics metrics, string reason) =>
        metrics.UdpDropped.Where(p => p.Key == reason).Sum(p => p.Value);

    /// <param name="declaredPort">DST.PORT of the request (the client's source port, DST.ADDR left 0.0.0.0); 0 when not known.</param>
    private async Task<byte[]> RequestAssociateAsync(TcpClient control, string username, int declaredPort = 0)
    {
        await control.ConnectAsync(fixture.Product.GatewayEndpoint);
        NetworkStream stream = control.GetStream();
        Assert.Equal(0x00, await GatewayRawClient.Socks5LoginAsync(stream, username, TestConfigs.Password));
        await stream.WriteAsync(new byte[] { 0x05, 0x03, 0x00, 0x01, 0, 0, 0, 0, (byte)(declaredPort >> 8), (byte)declaredPort });
        byte[] reply = new byte[10];
        await stream.ReadExactlyAsync(reply).AsTask().WaitAsync(Timeout);
        return reply;
    }

    private async Task<IPEndPoint> AssociateAsync(TcpClient control, string username, int declaredPort = 0)
    {
        byte[] reply = await RequestAssociateAsync(control, username, declaredPort);
        Assert.Equal(0x00, reply[1]);
        Assert.Equal(0x01, reply[3]);
        var relay = new IPEndPoint(new IPAddress(reply.AsSpan(4, 4)), BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(8)));
        Assert.Equal(fixture.Product.GatewayEndpoint.Address, relay.Address);
        Assert.NotEqual(0, relay.Port);
        return relay;
    }

    private static byte[] Wrap(IPEndPoint target, string payload)
    {
        byte[] body = Encoding.ASCII.GetBytes(payload);
        byte[] datagram = new byte[10 + body.Length];
        datagram[3] = 0x01;
        target.Address.MapToIPv4().TryWriteBytes(datagram.AsSpan(4), out _);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(8), (ushort)target.Port);
        body.CopyTo(datagram, 10);
        return datagram;
    }

    private static async Task<(IPEndPoint Source, string Payload)> ReceiveAsync(Socket udp)
    {
        byte[] buffer = new byte[2048];
        using var cts = new CancellationTokenSource(Timeout);
        int received = await udp.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
        Assert.True(received >= 10);
        Assert.Equal(new byte[] { 0, 0, 0, 0x01 }, buffer[..4]);
        var source = new IPEndPoint(new IPAddress(buffer.AsSpan(4, 4)), BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(8)));
        return (source, Encoding.ASCII.GetString(buffer, 10, received - 10));
    }
}
