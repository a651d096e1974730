using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Upstreams;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Simulation.Upstreams;

namespace ProxyRotator.IntegrationTests.Simulation;

/// <summary>
/// The simulated SOCKS5 upstream's UDP ASSOCIATE (issue 15 §2), driven by the product's own upstream client
/// (<see cref="UpstreamConnector.UdpAssociateAsync"/>): so each side checks the other's RFC 1928 §7 handling.
/// </summary>
public sealed class SimulatedSocks5UdpTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static SimulatedUpstreamProxy Start(string listen, string outgoing, bool udp) =>
        SimulatedUpstreamProxy.Start(new SimulatedUpstreamOptions
        {
            ListenAddress = IPAddress.Parse(listen),
            OutgoingAddress = IPAddress.Parse(outgoing),
            Scheme = UpstreamScheme.Socks5,
            Username = "u",
            Password = "p",
            SupportsUdp = udp,
        });

    private static UpstreamProxy Upstream(SimulatedUpstreamProxy proxy) => new()
    {
        Id = 1,
        PoolName = "udp_pool",
        Endpoint = proxy.Endpoint,
        Type = UpstreamType.Datacenter,
        Status = UpstreamStatus.Active,
    };

    [Fact]
    public async Task UdpAssociateAsync_UpstreamWithUdp_RelaysFromItsExitAddressAndBack()
    {
        await using SimulatedUpstreamProxy proxy = Start("127.62.0.2", "127.62.0.12", udp: true);
        await using var responder = new UdpAnswerResponder(new IPEndPoint(IPAddress.Loopback, 0));
        var connector = new UpstreamConnector(Timeout, TimeProvider.System);

        await using UpstreamUdpAssociation association = await connector.UdpAssociateAsync(Upstream(proxy), CancellationToken.None);
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        byte[] query = [0, 0, 0, 0x01, 127, 0, 0, 1, 0, 0, .. "q?"u8];
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(8), (ushort)responder.EndPoint.Port);
        await udp.SendToAsync(query, SocketFlags.None, association.Relay);
        byte[] buffer = new byte[512];
        using var cts = new CancellationTokenSource(Timeout);
        int received = await udp.ReceiveAsync(buffer, SocketFlags.None, cts.Token);

        Assert.Equal(IPAddress.Parse("127.62.0.2"), association.Relay.Address);
        Assert.Equal(query[..10], buffer[..10]);
        Assert.Equal(UdpAnswerResponder.AnswerFor("q?"), Encoding.ASCII.GetString(buffer, 10, received - 10));
        Assert.Equal(IPAddress.Parse("127.62.0.12"), Assert.Single(responder.Received).Sender.Address);
    }

    [Fact]
    public async Task UdpAssociateAsync_UpstreamWithoutUdp_FailsAsCommandNotSupported()
    {
        await using SimulatedUpstreamProxy proxy = Start("127.62.0.3", "127.62.0.3", udp: false);
        var connector = new UpstreamConnector(Timeout, TimeProvider.System);

        UpstreamConnectException failure = await Assert.ThrowsAsync<UpstreamConnectException>(
            async () => await connector.UdpAssociateAsync(Upstream(proxy), CancellationToken.None));

        Assert.Equal(UpstreamOutcomeKind.UpstreamProtocolError, failure.Kind);
    }
}
