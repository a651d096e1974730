using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ProxyRotator.Core.Pool;
using ProxyRotator.Simulation.Upstreams;

namespace ProxyRotator.IntegrationTests.Simulation;

public sealed class SimulatedUpstreamProxyTests(EchoOriginFixture fixture) : IClassFixture<EchoOriginFixture>
{
    private const string User = "alice";
    private const string Password = "s3cret";

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token;

    private static SimulatedUpstreamProxy StartProxy(string address, UpstreamScheme scheme = UpstreamScheme.Http, bool auth = true) =>
        SimulatedUpstreamProxy.Start(new SimulatedUpstreamOptions
        {
            ListenAddress = IPAddress.Parse(address),
            Scheme = scheme,
            Username = auth ? User : null,
            Password = auth ? Password : null,
        });

    private string OriginAuthority => $"127.0.0.1:{fixture.Origin.HttpUrl.Port}";

    [Fact]
    public async Task HttpAbsoluteForm_KeptAliveConnection_EveryResponseReportsUpstreamAddress()
    {
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.11");
        await using RawProxyClient client = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);

        for (int i = 0; i < 3; i++)
        {
            await client.SendAsync(
                $"GET http://{OriginAuthority}/ HTTP/1.1\r\nHost: {OriginAuthority}\r\nProxy-Authorization: {RawProxyClient.Basic(User, Password)}\r\n\r\n",
                Timeout);
            RawHttpResponse response = await client.ReadResponseAsync(Timeout);
            Assert.Equal(200, response.Status);
            Assert.Equal("127.0.1.11", response.Text);
        }

        Assert.Equal(1, proxy.ConnectionsAccepted);
        Assert.Equal(3, proxy.RequestsServed);
    }

    [Fact]
    public async Task HttpAbsoluteForm_ChunkedAndLargeBodies_RelayedWhole()
    {
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.12");
        await using RawProxyClient client = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);
        string auth = RawProxyClient.Basic(User, Password);

        await client.SendAsync($"GET http://{OriginAuthority}/chunked/25000 HTTP/1.1\r\nHost: {OriginAuthority}\r\nProxy-Authorization: {auth}\r\n\r\n", Timeout);
        RawHttpResponse chunked = await client.ReadResponseAsync(Timeout);
        await client.SendAsync($"GET http://{OriginAuthority}/bytes/3000000 HTTP/1.1\r\nHost: {OriginAuthority}\r\nProxy-Authorization: {auth}\r\n\r\n", Timeout);
        RawHttpResponse large = await client.ReadResponseAsync(Timeout);
        await client.SendAsync($"GET http://{OriginAuthority}/json HTTP/1.1\r\nHost: {OriginAuthority}\r\nProxy-Authorization: {auth}\r\n\r\n", Timeout);
        RawHttpResponse json = await client.ReadResponseAsync(Timeout);

        Assert.Equal("chunked", chunked.Headers["Transfer-Encoding"]);
        Assert.Equal(25000, chunked.Body.Length);
        Assert.Equal(3_000_000, large.Body.Length);
        Assert.Equal("127.0.1.12", JsonDocument.Parse(json.Body).RootElement.GetProperty("ip").GetString());
        Assert.Equal(1, proxy.ConnectionsAccepted);
    }

    [Fact]
    public async Task HttpAbsoluteForm_RequestBodiesAndBodylessStatuses_ConnectionStaysUsable()
    {
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.25");
        await using RawProxyClient client = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);
        string prefix = $"Host: {OriginAuthority}\r\nProxy-Authorization: {RawProxyClient.Basic(User, Password)}\r\n";

        await client.SendAsync($"POST http://{OriginAuthority}/echo HTTP/1.1\r\n{prefix}Content-Length: 5\r\n\r\nhello", Timeout);
        RawHttpResponse sized = await client.ReadResponseAsync(Timeout);
        await client.SendAsync($"POST http://{OriginAuthority}/echo HTTP/1.1\r\n{prefix}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n", Timeout);
        RawHttpResponse chunked = await client.ReadResponseAsync(Timeout);
        await client.SendAsync($"GET http://{OriginAuthority}/status/204 HTTP/1.1\r\n{prefix}\r\n", Timeout);
        RawHttpResponse noContent = await client.ReadResponseAsync(Timeout);
        await client.SendAsync($"HEAD http://{OriginAuthority}/bytes/1000 HTTP/1.1\r\n{prefix}\r\n", Timeout);
        string headOnly = await client.ReadHeadAsync(Timeout);
        await client.SendAsync($"GET http://{OriginAuthority}/status/503 HTTP/1.1\r\n{prefix}\r\n", Timeout);
        RawHttpResponse unavailable = await client.ReadResponseAsync(Timeout);
        await client.SendAsync($"GET http://{OriginAuthority}/ HTTP/1.1\r\n{prefix}\r\n", Timeout);
        RawHttpResponse last = await client.ReadResponseAsync(Timeout);

        Assert.Equal("hello", sized.Text);
        Assert.Equal("abcde", chunked.Text);
        Assert.Equal(204, noContent.Status);
        Assert.Contains("Content-Length: 1000", headOnly, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(503, unavailable.Status);
        Assert.Equal("127.0.1.25", last.Text);
        Assert.Equal(1, proxy.ConnectionsAccepted);
        Assert.Equal(6, proxy.RequestsServed);
    }

    [Fact]
    public async Task HttpAbsoluteForm_OriginClosesKeptAliveConnection_NextRequestUsesFreshOne()
    {
        // An origin that answers one request per connection and then hangs up without saying so.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        int originPort = ((IPEndPoint)listener.LocalEndPoint!).Port;
        int originConnections = 0;
        Task originLoop = Task.Run(async () =>
        {
            for (int i = 0; i < 2; i++)
            {
                using Socket connection = await listener.AcceptAsync(Timeout);
                Interlocked.Increment(ref originConnections);
                byte[] buffer = new byte[4096];
                int read = 0;
                while (!System.Text.Encoding.ASCII.GetString(buffer, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    read += await connection.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, Timeout);
                }

                await connection.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray(), SocketFlags.None, Timeout);
                connection.Shutdown(SocketShutdown.Both);
            }
        });
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.27", auth: false);
        await using RawProxyClient client = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);

        var texts = new List<string>();
        for (int i = 0; i < 2; i++)
        {
            await client.SendAsync($"GET http://127.0.0.1:{originPort}/ HTTP/1.1\r\nHost: 127.0.0.1:{originPort}\r\n\r\n", Timeout);
            texts.Add((await client.ReadResponseAsync(Timeout)).Text);
            await Task.Delay(100);
        }

        await originLoop.WaitAsync(Timeout);
        Assert.Equal(["ok", "ok"], texts);
        Assert.Equal(2, originConnections);
        Assert.Equal(1, proxy.ConnectionsAccepted);
    }

    [Fact]
    public async Task HttpAbsoluteForm_ConflictingFraming_Rejected400()
    {
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.26");
        await using RawProxyClient client = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);

        await client.SendAsync(
            $"POST http://{OriginAuthority}/echo HTTP/1.1\r\nHost: {OriginAuthority}\r\nProxy-Authorization: {RawProxyClient.Basic(User, Password)}\r\n"
            + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            Timeout);
        RawHttpResponse response = await client.ReadResponseAsync(Timeout);

        Assert.Equal(400, response.Status);
        Assert.Equal(0, proxy.RequestsServed);
    }

    [Fact]
    public async Task HttpAbsoluteForm_ProxyHeaders_NeverReachOrigin()
    {
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.13");
        await using RawProxyClient client = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);

        await client.SendAsync(
            $"GET http://{OriginAuthority}/headers HTTP/1.1\r\nHost: {OriginAuthority}\r\nProxy-Authorization: {RawProxyClient.Basic(User, Password)}\r\n"
            + "Proxy-Connection: keep-alive\r\nX-Test: kept\r\n\r\n",
            Timeout);
        RawHttpResponse response = await client.ReadResponseAsync(Timeout);

        JsonElement headers = JsonDocument.Parse(response.Body).RootElement;
        Assert.Equal("kept", headers.GetProperty("X-Test").GetString());
        Assert.False(headers.TryGetProperty("Proxy-Authorization", out _));
        Assert.False(headers.TryGetProperty("Proxy-Connection", out _));
        Assert.False(headers.TryGetProperty("Via", out _));
        Assert.False(headers.TryGetProperty("X-Forwarded-For", out _));
    }

    [Fact]
    public async Task Curl_HttpProxyAbsoluteForm_ReportsUpstreamAddress()
    {
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.14");

        var (exitCode, output, error) = await CurlRunner.RunAsync("-x", proxy.Endpoint.ToUri(), fixture.Origin.HttpUrl.ToString());

        Assert.True(exitCode == 0, error);
        Assert.Equal("127.0.1.14", output);
    }

    [Fact]
    public async Task Curl_HttpProxyConnectTunnelToHttps_ReportsUpstreamAddress()
    {
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.15");

        var (exitCode, output, error) = await CurlRunner.RunAsync("-k", "-x", proxy.Endpoint.ToUri(), fixture.Origin.HttpsUrl + "json");

        Assert.True(exitCode == 0, error);
        Assert.Equal("127.0.1.15", JsonDocument.Parse(output).RootElement.GetProperty("ip").GetString());
        Assert.Equal(1, proxy.RequestsServed);
    }

    [Fact]
    public async Task Curl_Socks5Hostname_ReportsUpstreamAddress()
    {
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.16", UpstreamScheme.Socks5);
        UpstreamEndpoint endpoint = proxy.Endpoint;

        var (exitCode, output, error) = await CurlRunner.RunAsync(
            "--socks5-hostname", $"{endpoint.Host}:{endpoint.Port}", "--proxy-user", $"{User}:{Password}",
            $"http://localhost:{fixture.Origin.HttpUrl.Port}/");

        Assert.True(exitCode == 0, error);
        Assert.Equal("127.0.1.16", output);
    }

    [Fact]
    public async Task Curl_HttpProxyWrongPassword_Gets407()
    {
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.17");

        var (_, output, _) = await CurlRunner.RunAsync(
            "-o", "/dev/null", "-w", "%{http_code}", "-x", $"http://{User}:wrong@127.0.1.17:{proxy.ListenEndPoint.Port}",
            fixture.Origin.HttpUrl.ToString());

        Assert.Equal("407", output);
        Assert.Equal(0, proxy.RequestsServed);
    }

    [Theory]
    [InlineData("domain")]
    [InlineData("ipv4")]
    public async Task Socks5Connect_ByAddressType_OriginSeesUpstreamAddress(string kind)
    {
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.18", UpstreamScheme.Socks5);
        await using RawProxyClient client = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);
        (byte type, byte[] address) = kind == "domain" ? ((byte)3, RawProxyClient.DomainAddress("localhost")) : ((byte)1, IPAddress.Loopback.GetAddressBytes());

        int reply = await client.Socks5ConnectAsync(type, address, fixture.Origin.HttpUrl.Port, User, Password, Timeout);
        await client.SendAsync($"GET / HTTP/1.1\r\nHost: {OriginAuthority}\r\n\r\n", Timeout);
        RawHttpResponse response = await client.ReadResponseAsync(Timeout);

        Assert.Equal(0, reply);
        Assert.Equal("127.0.1.18", response.Text);
    }

    [Fact]
    public async Task Socks5Connect_Ipv6Target_ReachesIpv6Origin()
    {
        await using var origin6 = await ProxyRotator.Simulation.Origin.IpEchoOrigin.StartAsync(new() { ListenAddress = IPAddress.IPv6Loopback });
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.19", UpstreamScheme.Socks5, auth: false);
        await using RawProxyClient client = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);

        int reply = await client.Socks5ConnectAsync(4, IPAddress.IPv6Loopback.GetAddressBytes(), origin6.HttpUrl.Port, null, null, Timeout);
        await client.SendAsync($"GET / HTTP/1.1\r\nHost: [::1]:{origin6.HttpUrl.Port}\r\n\r\n", Timeout);
        RawHttpResponse response = await client.ReadResponseAsync(Timeout);

        Assert.Equal(0, reply);
        Assert.Equal("::1", response.Text);
    }

    [Fact]
    public async Task Socks5_WrongPassword_Rfc1929Failure()
    {
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.20", UpstreamScheme.Socks5);
        await using RawProxyClient client = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);

        int result = await client.Socks5ConnectAsync(1, IPAddress.Loopback.GetAddressBytes(), fixture.Origin.HttpUrl.Port, User, "wrong", Timeout);

        Assert.Equal(0x101, result);
        Assert.Equal(0, proxy.RequestsServed);
    }

    [Fact]
    public async Task Socks5_NoCredentialsOffered_NoAcceptableMethod()
    {
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.21", UpstreamScheme.Socks5);
        await using RawProxyClient client = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);

        int result = await client.Socks5ConnectAsync(1, IPAddress.Loopback.GetAddressBytes(), fixture.Origin.HttpUrl.Port, null, null, Timeout);

        Assert.Equal(0x1FF, result);
    }

    [Fact]
    public async Task Socks5_ClosedTargetPort_ConnectionRefusedReply()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int closedPort = ((IPEndPoint)probe.LocalEndPoint!).Port;
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.22", UpstreamScheme.Socks5);
        await using RawProxyClient client = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);

        int reply = await client.Socks5ConnectAsync(1, IPAddress.Loopback.GetAddressBytes(), closedPort, User, Password, Timeout);

        Assert.Equal(0x05, reply);
    }

    [Fact]
    public async Task HttpProxy_OnlySocksDeclaredAndSniffingOff_HttpClientDisconnected()
    {
        await using var proxy = SimulatedUpstreamProxy.Start(new SimulatedUpstreamOptions
        {
            ListenAddress = IPAddress.Parse("127.0.1.23"),
            Scheme = UpstreamScheme.Socks5,
            AcceptBothSchemes = false,
        });
        await using RawProxyClient client = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);

        await client.SendAsync($"GET http://{OriginAuthority}/ HTTP/1.1\r\nHost: {OriginAuthority}\r\n\r\n", Timeout);
        (int bytes, _) = await client.ReadToEndAsync(Timeout);

        Assert.Equal(0, bytes);
    }

    [Fact]
    public async Task ManyConcurrentConnections_AllServed()
    {
        await using SimulatedUpstreamProxy proxy = StartProxy("127.0.1.24");
        string auth = RawProxyClient.Basic(User, Password);

        string[] results = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            await using RawProxyClient client = await RawProxyClient.ConnectAsync(proxy.ListenEndPoint, Timeout);
            await client.SendAsync($"GET http://{OriginAuthority}/ HTTP/1.1\r\nHost: {OriginAuthority}\r\nProxy-Authorization: {auth}\r\n\r\n", Timeout);
            return (await client.ReadResponseAsync(Timeout)).Text;
        }));

        Assert.All(results, r => Assert.Equal("127.0.1.24", r));
        Assert.Equal(200, proxy.ConnectionsAccepted);
    }
}
