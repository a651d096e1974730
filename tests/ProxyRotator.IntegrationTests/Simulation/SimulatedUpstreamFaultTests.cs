using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ProxyRotator.Core.Pool;
using ProxyRotator.Simulation.Upstreams;

namespace ProxyRotator.IntegrationTests.Simulation;

public sealed class SimulatedUpstreamFaultTests(EchoOriginFixture fixture) : IClassFixture<EchoOriginFixture>
{
    private const string User = "bob";
    private const string Password = "pw";

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token;

    private string OriginAuthority => $"127.0.0.1:{fixture.Origin.HttpUrl.Port}";

    private string Request(string path = "/") =>
        $"GET http://{OriginAuthority}{path} HTTP/1.1\r\nHost: {OriginAuthority}\r\nProxy-Authorization: {RawProxyClient.Basic(User, Password)}\r\n\r\n";

    private static SimulatedUpstreamProxy StartProxy(string address, UpstreamScheme scheme = UpstreamScheme.Http) =>
        SimulatedUpstreamProxy.Start(new SimulatedUpstreamOptions
        {
            ListenAddress = IPAddress.Parse(address),
            Scheme = scheme,
            Username = User,
            Password = Password,
        });

    [Fact]
    public async Task Refuse_ConnectRefused_AndBackOnSamePortWhenSwitchedOff()
    {
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.31");
        IPEndPoint endPoint = proxy.ListenEndPoint;

        proxy.Fault = SimulatedFault.Refuse;
        SocketException refused = await Assert.ThrowsAsync<SocketException>(() => RawProxyClient.ConnectAsync(endPoint, Timeout));
        proxy.Fault = SimulatedFault.None;
        await using RawProxyClient client = await RawProxyClient.ConnectAsync(endPoint, Timeout);
        await client.SendAsync(Request(), Timeout);
        RawHttpResponse response = await client.ReadResponseAsync(Timeout);

        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Equal(endPoint, proxy.ListenEndPoint);
        Assert.Equal("127.0.1.31", response.Text);
    }

    [Fact]
    public async Task Refuse_DropsOpenConnections()
    {
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.32");
        await using RawProxyClient client = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);
        await client.SendAsync(Request(), Timeout);
        await client.ReadResponseAsync(Timeout);

        proxy.Fault = SimulatedFault.Refuse;
        (int bytes, _) = await client.ReadToEndAsync(Timeout);

        Assert.Equal(0, bytes);
    }

    [Theory]
    [InlineData(UpstreamScheme.Http)]
    [InlineData(UpstreamScheme.Socks5)]
    public async Task Stall_AcceptsButNeverAnswers(UpstreamScheme scheme)
    {
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.33", scheme);
        proxy.Fault = SimulatedFault.Stall;
        await using RawProxyClient client = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);

        await client.SendAsync(scheme == UpstreamScheme.Http ? System.Text.Encoding.ASCII.GetBytes(Request()) : [5, 1, 2], Timeout);
        using var shortWait = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        Task<byte[]> read = client.ReadExactAsync(1, shortWait.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        Assert.Equal(1, proxy.ConnectionsAccepted);
    }

    [Fact]
    public async Task ResetMidResponse_SendsPartOfBodyThenResets()
    {
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.34");
        proxy.Fault = SimulatedFault.ResetMidResponse;
        await using RawProxyClient client = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);

        await client.SendAsync(Request("/bytes/100000"), Timeout);
        string head = await client.ReadHeadAsync(Timeout);
        (int bytes, bool reset) = await client.ReadToEndAsync(Timeout);

        Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);
        Assert.True(reset);
        Assert.InRange(bytes, 1, 99_999);
    }

    [Fact]
    public async Task ResetMidResponse_Socks5Tunnel_ResetsAfterFirstBytes()
    {
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.35", UpstreamScheme.Socks5);
        proxy.Fault = SimulatedFault.ResetMidResponse;
        await using RawProxyClient client = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);

        int reply = await client.Socks5ConnectAsync(1, IPAddress.Loopback.GetAddressBytes(), fixture.Origin.HttpUrl.Port, User, Password, Timeout);
        await client.SendAsync($"GET /bytes/100000 HTTP/1.1\r\nHost: {OriginAuthority}\r\n\r\n", Timeout);
        (int bytes, bool reset) = await client.ReadToEndAsync(Timeout);

        Assert.Equal(0, reply);
        Assert.True(reset);
        Assert.InRange(bytes, 1, 99_999);
    }

    [Fact]
    public async Task Answer407_RightCredentials_StillRejected()
    {
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.36");
        proxy.Fault = SimulatedFault.Answer407;
        await using RawProxyClient client = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);

        await client.SendAsync(Request(), Timeout);
        RawHttpResponse response = await client.ReadResponseAsync(Timeout);

        Assert.Equal(407, response.Status);
        Assert.StartsWith("Basic", response.Headers["Proxy-Authenticate"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer407_Socks5_Rfc1929Failure()
    {
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.37", UpstreamScheme.Socks5);
        proxy.Fault = SimulatedFault.Answer407;
        await using RawProxyClient client = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);

        int result = await client.Socks5ConnectAsync(1, IPAddress.Loopback.GetAddressBytes(), fixture.Origin.HttpUrl.Port, User, Password, Timeout);

        Assert.Equal(0x101, result);
    }

    [Fact]
    public async Task Answer502_HttpGets502AndSocksGetsGeneralFailure()
    {
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.38");
        proxy.Fault = SimulatedFault.Answer502;
        await using RawProxyClient http = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);
        await using RawProxyClient socks = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);

        await http.SendAsync(Request(), Timeout);
        RawHttpResponse response = await http.ReadResponseAsync(Timeout);
        int reply = await socks.Socks5ConnectAsync(1, IPAddress.Loopback.GetAddressBytes(), fixture.Origin.HttpUrl.Port, User, Password, Timeout);

        Assert.Equal(502, response.Status);
        Assert.Equal(0x01, reply);
        Assert.Equal(0, proxy.RequestsServed);
    }

    [Fact]
    public async Task FaultSwitchedOff_KeptAliveConnectionServesAgain()
    {
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.39");
        await using RawProxyClient client = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);

        proxy.Fault = SimulatedFault.Answer502;
        await client.SendAsync(Request(), Timeout);
        RawHttpResponse failed = await client.ReadResponseAsync(Timeout);
        proxy.Fault = SimulatedFault.None;
        await client.SendAsync(Request(), Timeout);
        RawHttpResponse served = await client.ReadResponseAsync(Timeout);

        Assert.Equal(502, failed.Status);
        Assert.Equal("127.0.1.39", served.Text);
    }

    [Fact]
    public async Task DisposeAsync_WithStalledAndOpenTunnels_ClosesPromptly()
    {
        SimulatedUpstreamProxy proxy = StartProxy("127.0.1.40", UpstreamScheme.Socks5);
        await using RawProxyClient tunnel = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);
        await tunnel.Socks5ConnectAsync(1, IPAddress.Loopback.GetAddressBytes(), fixture.Origin.HttpUrl.Port, User, Password, Timeout);
        proxy.Fault = SimulatedFault.Stall;
        await using RawProxyClient stalled = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);
        await stalled.SendAsync([5, 1, 2], Timeout);

        var watch = Stopwatch.StartNew();
        await proxy.DisposeAsync();
        watch.Stop();
        (int tunnelBytes, _) = await tunnel.ReadToEndAsync(Timeout);
        (int stalledBytes, _) = await stalled.ReadToEndAsync(Timeout);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"dispose took {watch.Elapsed}");
        Assert.Equal(0, tunnelBytes);
        Assert.Equal(0, stalledBytes);
        await Assert.ThrowsAsync<SocketException>(() => RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout));
    }
}
