using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Upstreams;

namespace ProxyRotator.UnitTests.Gateway.Upstreams;

public sealed class UpstreamConnectorTests
{
    /// <summary>Short, for the tests whose point is the timeout.</summary>
    private static readonly TimeSpan _connectTimeout = TimeSpan.FromMilliseconds(400);

    /// <summary>Generous, so a loaded machine never turns an expected answer into a timeout.</summary>
    private static readonly TimeSpan _answerTimeout = TimeSpan.FromSeconds(15);

    private static UpstreamConnector CreateSut(TimeSpan? connectTimeout = null) =>
        new(new GatewayOptions { ConnectTimeout = connectTimeout ?? _answerTimeout }, TimeProvider.System);

    private static UpstreamProxy Upstream(UpstreamScheme scheme, int port, string? user = "user", string? password = "päss:word") => new()
    {
        Id = 7,
        PoolName = "test",
        Endpoint = new UpstreamEndpoint(scheme, "127.0.0.1", port, user, password),
        Type = UpstreamType.Datacenter,
        Status = UpstreamStatus.Active,
    };

    private static async Task AssertTunnelEchoesAsync(UpstreamConnection connection)
    {
        await connection.Stream.WriteAsync("ping"u8.ToArray());
        var reply = new byte[4];
        await connection.Stream.ReadExactlyAsync(reply).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("ping", Encoding.ASCII.GetString(reply));
    }

    private static async Task<UpstreamConnectException> AssertFailsAsync(
        UpstreamProxy upstream, string host = "example.com", int port = 443, TimeSpan? connectTimeout = null)
    {
        return await Assert.ThrowsAsync<UpstreamConnectException>(async () =>
        {
            await using UpstreamConnection connection = await CreateSut(connectTimeout).ConnectAsync(upstream, host, port, CancellationToken.None);
        });
    }

    // ---- HTTP CONNECT ----

    private static FakeUpstreamServer HttpUpstream(string answer, bool echoAfter = true) => new(async (stream, server) =>
    {
        await server.ReadHeadAsync(stream);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(answer), server.Stopping);
        if (echoAfter)
        {
            await server.EchoAsync(stream);
        }
    });

    [Fact]
    public async Task ConnectAsync_HttpUpstream200_SendsCredentialsUpFrontAndTunnels()
    {
        await using FakeUpstreamServer server = HttpUpstream("HTTP/1.1 200 Connection established\r\nVia: test\r\n\r\n");

        await using UpstreamConnection connection = await CreateSut().ConnectAsync(Upstream(UpstreamScheme.Http, server.Port), "example.com", 443, CancellationToken.None);

        await AssertTunnelEchoesAsync(connection);
        string expectedAuth = Convert.ToBase64String(Encoding.UTF8.GetBytes("user:päss:word"));
        Assert.True(server.Received.TryPeek(out byte[]? head));
        Assert.Equal(
            $"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nProxy-Authorization: Basic {expectedAuth}\r\n\r\n",
            Encoding.ASCII.GetString(head!));
        Assert.True(connection.Socket.NoDelay);
        Assert.Equal(7, connection.Upstream!.Id);
    }

    /// <summary>Segments the socket has sent, SYN included (Linux <c>tcp_info.tcpi_segs_out</c>).</summary>
    private static uint SegmentsSent(Socket socket)
    {
        const int IpProtocolTcp = 6, TcpInfoOption = 11, SegsOutOffset = 136;
        Assert.True(OperatingSystem.IsLinux(), "tcp_info is read the Linux way");
        Span<byte> info = stackalloc byte[256];
        int length = socket.GetRawSocketOption(IpProtocolTcp, TcpInfoOption, info);
        Assert.True(length >= SegsOutOffset + 4, "tcp_info without tcpi_segs_out");
        return BitConverter.ToUInt32(info[SegsOutOffset..]);
    }

    [Fact]
    public async Task ConnectAsync_HttpUpstream_HandshakeAckRidesOnTheConnectRequest()
    {
        await using FakeUpstreamServer server = HttpUpstream("HTTP/1.1 200 Connection established\r\n\r\n");
        await using FakeUpstreamServer plainServer = HttpUpstream("HTTP/1.1 200 Connection established\r\n\r\n");

        await using UpstreamConnection connection = await CreateSut().ConnectAsync(Upstream(UpstreamScheme.Http, server.Port), "example.com", 443, CancellationToken.None);
        // The same exchange on a socket as the runtime makes it: SYN, the handshake's ACK, the request, the ACK of the answer.
        using var plain = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await plain.ConnectAsync(new IPEndPoint(IPAddress.Loopback, plainServer.Port));
        await plain.SendAsync("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"u8.ToArray());
        var answer = new byte[39];
        await plain.ReceiveAsync(answer.AsMemory()).AsTask().WaitAsync(_answerTimeout);

        Assert.Equal(4u, SegmentsSent(plain));
        // SYN, then the request carrying the handshake's ACK; the answer's ACK waits for the tunnel's first write, or
        // goes alone if the delayed-ACK timer (40 ms) fires first on a slow machine.
        Assert.InRange(SegmentsSent(connection.Socket), 2u, 3u);
    }

    [Fact]
    public async Task ConnectAsync_WithInlineCompletions_TunnelSocketRunsCompletionsInline()
    {
        await using FakeUpstreamServer server = HttpUpstream("HTTP/1.1 200 Connection established\r\n\r\n");
        await using FakeUpstreamServer plainServer = HttpUpstream("HTTP/1.1 200 Connection established\r\n\r\n");
        UpstreamConnector plain = CreateSut();

        await using UpstreamConnection inline = await plain.WithInlineCompletions().ConnectAsync(Upstream(UpstreamScheme.Http, server.Port), "example.com", 443, CancellationToken.None);
        await using UpstreamConnection pooled = await plain.ConnectAsync(Upstream(UpstreamScheme.Http, plainServer.Port), "example.com", 443, CancellationToken.None);

        await AssertTunnelEchoesAsync(inline);
        Assert.True(InlineSocketCompletions.IsSupported); // Linux, .NET 10: the switch exists
        Assert.True(InlineSocketCompletions.IsEnabled(inline.Socket));
        Assert.False(InlineSocketCompletions.IsEnabled(pooled.Socket)); // health probes and HTTP clients keep the pool
    }

    [Fact]
    public async Task ConnectAsync_CredentialsResolvedPerRequest_SendsThemInsteadOfTheUpstreams()
    {
        await using FakeUpstreamServer server = HttpUpstream("HTTP/1.1 200 Connection established\r\n\r\n");

        await using UpstreamConnection connection = await CreateSut().ConnectAsync(
            Upstream(UpstreamScheme.Http, server.Port), "example.com", 443, new UpstreamCredentials("vendor-user-session-42", "pw"), CancellationToken.None);

        await AssertTunnelEchoesAsync(connection);
        string expectedAuth = Convert.ToBase64String(Encoding.UTF8.GetBytes("vendor-user-session-42:pw"));
        Assert.True(server.Received.TryPeek(out byte[]? head));
        Assert.Contains($"Proxy-Authorization: Basic {expectedAuth}\r\n", Encoding.ASCII.GetString(head!));
    }

    [Fact]
    public async Task ConnectAsync_HttpUpstream502WithDnsErrorStatus_TargetEvidenceWithReason()
    {
        await using FakeUpstreamServer server = HttpUpstream("HTTP/1.1 502 Bad Gateway\r\nProxy-Status: squid; error=dns_error\r\n\r\n", echoAfter: false);

        UpstreamConnectException ex = await AssertFailsAsync(Upstream(UpstreamScheme.Http, server.Port));

        Assert.Equal(FailureEvidence.Target, ex.Evidence);
        Assert.Equal("dns_error", ex.Reason);
        Assert.Equal(Socks5ReplyCode.HostUnreachable, ex.SocksReply);
    }

    [Fact]
    public async Task ConnectAsync_HttpUpstream503Unexplained_UnknownEvidence()
    {
        await using FakeUpstreamServer server = HttpUpstream("HTTP/1.1 503 Service Unavailable\r\n\r\n", echoAfter: false);

        UpstreamConnectException ex = await AssertFailsAsync(Upstream(UpstreamScheme.Http, server.Port));

        Assert.Equal(FailureEvidence.Unknown, ex.Evidence);
        Assert.Equal(UpstreamOutcomeKind.UpstreamError, ex.Kind);
    }

    [Fact]
    public async Task ConnectAsync_HttpUpstreamWithoutCredentials_NoProxyAuthorization()
    {
        await using FakeUpstreamServer server = HttpUpstream("HTTP/1.0 200 OK\r\n\r\n");

        await using UpstreamConnection connection = await CreateSut().ConnectAsync(
            Upstream(UpstreamScheme.Http, server.Port, null, null), "[2001:db8::1]", 8443, CancellationToken.None);

        await AssertTunnelEchoesAsync(connection);
        Assert.True(server.Received.TryPeek(out byte[]? head));
        Assert.Equal("CONNECT [2001:db8::1]:8443 HTTP/1.1\r\nHost: [2001:db8::1]:8443\r\n\r\n", Encoding.ASCII.GetString(head!));
    }

    [Fact]
    public async Task ConnectAsync_HttpUpstreamSendsTunnelBytesWithAnswer_BytesNotLost()
    {
        await using FakeUpstreamServer server = new(async (stream, s) =>
        {
            await s.ReadHeadAsync(stream);
            await stream.WriteAsync("HTTP/1.1 200 OK\r\n\r\nBANNER"u8.ToArray(), s.Stopping);
            await s.EchoAsync(stream);
        });

        await using UpstreamConnection connection = await CreateSut().ConnectAsync(Upstream(UpstreamScheme.Http, server.Port), "example.com", 25, CancellationToken.None);

        var banner = new byte[6];
        await connection.Stream.ReadExactlyAsync(banner).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("BANNER", Encoding.ASCII.GetString(banner));
        await AssertTunnelEchoesAsync(connection);
    }

    [Theory]
    [InlineData("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"x\"\r\n\r\n", UpstreamOutcomeKind.UpstreamAuthRejected, 407)]
    [InlineData("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n", UpstreamOutcomeKind.TargetError, 502)]
    [InlineData("HTTP/1.1 504 Gateway Timeout\r\n\r\n", UpstreamOutcomeKind.TargetError, 504)]
    [InlineData("HTTP/1.1 502 Bad Gateway\r\nProxy-Status: squid; error=proxy_internal_error\r\n\r\n", UpstreamOutcomeKind.UpstreamError, 502)]
    [InlineData("HTTP/1.1 503 Service Unavailable\r\nX-Squid-Error: ERR_DNS_FAIL 0\r\n\r\n", UpstreamOutcomeKind.TargetError, 503)]
    [InlineData("HTTP/1.1 503 Service Unavailable\r\n\r\n", UpstreamOutcomeKind.UpstreamError, 503)]
    [InlineData("HTTP/1.1 403 Forbidden\r\n\r\n", UpstreamOutcomeKind.UpstreamError, 403)]
    [InlineData("HTTP/1.1 301 Moved\r\nLocation: /\r\n\r\n", UpstreamOutcomeKind.UpstreamProtocolError, 301)]
    public async Task ConnectAsync_HttpUpstreamNon2xx_FailsWithKindAndStatus(string answer, UpstreamOutcomeKind kind, int status)
    {
        await using FakeUpstreamServer server = HttpUpstream(answer, echoAfter: false);

        UpstreamConnectException ex = await AssertFailsAsync(Upstream(UpstreamScheme.Http, server.Port));

        Assert.Equal(kind, ex.Kind);
        Assert.Equal(status, ex.UpstreamStatusCode);
        Assert.DoesNotContain("päss", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n\r\n")]
    [InlineData("HTTP/2 200\r\n\r\n")]
    [InlineData("HTTP/1.1 20 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 200OK\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-A : x\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\n folded\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: a\0b\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: a\nb\r\n\r\n")]
    public async Task ConnectAsync_HttpUpstreamMalformedAnswer_ProtocolError(string answer)
    {
        await using FakeUpstreamServer server = HttpUpstream(answer, echoAfter: false);

        Assert.Equal(UpstreamOutcomeKind.UpstreamProtocolError, (await AssertFailsAsync(Upstream(UpstreamScheme.Http, server.Port))).Kind);
    }

    [Fact]
    public async Task ConnectAsync_HttpUpstreamEndlessHead_ProtocolErrorNotEndlessRead()
    {
        await using FakeUpstreamServer server = new(async (stream, s) =>
        {
            await s.ReadHeadAsync(stream);
            await stream.WriteAsync("HTTP/1.1 200 OK\r\n"u8.ToArray(), s.Stopping);
            byte[] header = Encoding.ASCII.GetBytes("X-Filler: " + new string('a', 1000) + "\r\n");
            for (int i = 0; i < 20; i++)
            {
                await stream.WriteAsync(header, s.Stopping);
            }

            await Task.Delay(Timeout.Infinite, s.Stopping);
        });

        UpstreamConnectException ex = await AssertFailsAsync(Upstream(UpstreamScheme.Http, server.Port));

        Assert.Equal(UpstreamOutcomeKind.UpstreamProtocolError, ex.Kind);
        Assert.Contains("larger", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_HttpUpstreamClosesWithoutAnswer_ProtocolError()
    {
        await using FakeUpstreamServer server = new(async (stream, s) => await s.ReadHeadAsync(stream));

        Assert.Equal(UpstreamOutcomeKind.UpstreamProtocolError, (await AssertFailsAsync(Upstream(UpstreamScheme.Http, server.Port))).Kind);
    }

    [Theory]
    [InlineData(UpstreamScheme.Http)]
    [InlineData(UpstreamScheme.Socks5)]
    public async Task ConnectAsync_UpstreamStalls_TimeoutWithinConnectTimeout(UpstreamScheme scheme)
    {
        await using FakeUpstreamServer server = new(async (stream, s) => await Task.Delay(Timeout.Infinite, s.Stopping));
        var watch = Stopwatch.StartNew();

        UpstreamConnectException ex = await AssertFailsAsync(Upstream(scheme, server.Port), connectTimeout: _connectTimeout);

        watch.Stop();
        Assert.Equal(UpstreamOutcomeKind.UpstreamTimeout, ex.Kind);
        Assert.Equal(Socks5ReplyCode.HostUnreachable, ex.SocksReply);
        Assert.InRange(watch.Elapsed, _connectTimeout - TimeSpan.FromMilliseconds(50), _connectTimeout + TimeSpan.FromSeconds(2));
        // An HTTP upstream had our CONNECT naming the target, and answers only once it reached it: the wait may be the
        // target's. A SOCKS5 upstream that never answered the greeting is alone at fault.
        Assert.Equal(scheme == UpstreamScheme.Http ? FailureEvidence.UpstreamUnconfirmed : FailureEvidence.Upstream, ex.Evidence);
    }

    [Fact]
    public async Task ConnectAsync_Socks5NoReplyToTheTargetRequest_TimeoutChargedOnlyOnceConfirmed()
    {
        // Greeting and authentication answered, then nothing: the upstream may be waiting on a target that drops connection attempts.
        await using FakeUpstreamServer server = Socks5Upstream(stallAfterRequest: true);

        UpstreamConnectException ex = await AssertFailsAsync(Upstream(UpstreamScheme.Socks5, server.Port), connectTimeout: _connectTimeout);

        Assert.Equal(UpstreamOutcomeKind.UpstreamTimeout, ex.Kind);
        Assert.Equal(FailureEvidence.UpstreamUnconfirmed, ex.Evidence);
        Assert.Equal(Socks5ReplyCode.HostUnreachable, ex.SocksReply);
    }

    [Fact]
    public async Task ConnectAsync_NothingListening_ConnectFailedFast()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var watch = Stopwatch.StartNew();
        UpstreamConnectException ex = await AssertFailsAsync(Upstream(UpstreamScheme.Http, port));

        Assert.Equal(UpstreamOutcomeKind.UpstreamConnectFailed, ex.Kind);
        Assert.True(watch.Elapsed < _answerTimeout / 3, $"took {watch.Elapsed}: a refusal must not wait for the connect timeout");
        Assert.IsType<SocketException>(ex.InnerException);
    }

    [Fact]
    public async Task ConnectAsync_CallerCancels_OperationCanceled()
    {
        await using FakeUpstreamServer server = new(async (stream, s) => await Task.Delay(Timeout.Infinite, s.Stopping));
        var connector = new UpstreamConnector(new GatewayOptions { ConnectTimeout = TimeSpan.FromSeconds(30) }, TimeProvider.System);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        OperationCanceledException ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await connector.ConnectAsync(Upstream(UpstreamScheme.Http, server.Port), "example.com", 443, cts.Token));

        Assert.Equal(cts.Token, ex.CancellationToken);
    }

    [Theory]
    [InlineData("exa mple.com")]
    [InlineData("example.com\r\nX-Injected: 1")]
    [InlineData("a:b")]
    [InlineData("")]
    public async Task ConnectAsync_MalformedTargetHost_ArgumentException(string host) =>
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await CreateSut().ConnectAsync(Upstream(UpstreamScheme.Http, 1), host, 443, CancellationToken.None));

    // ---- SOCKS5 ----

    /// <summary>A SOCKS5 upstream that checks what the connector sends and answers <paramref name="reply"/>.</summary>
    private static FakeUpstreamServer Socks5Upstream(
        byte reply = 0x00,
        byte boundAddressType = 0x01,
        bool acceptCredentials = true,
        bool requireAuth = true,
        Action<byte, byte[]>? onConnectRequest = null,
        bool stallAfterRequest = false) => new(async (stream, s) =>
    {
        byte[] greeting = await s.ReadExactlyAsync(stream, 2);
        byte[] methods = await s.ReadExactlyAsync(stream, greeting[1]);
        byte method = requireAuth ? (methods.Contains((byte)0x02) ? (byte)0x02 : (byte)0xFF) : (byte)0x00;
        await stream.WriteAsync(new byte[] { 0x05, method }, s.Stopping);
        if (method == 0xFF)
        {
            return;
        }

        if (method == 0x02)
        {
            byte[] header = await s.ReadExactlyAsync(stream, 2);
            string user = Encoding.UTF8.GetString(await s.ReadExactlyAsync(stream, header[1]));
            byte[] passwordLength = await s.ReadExactlyAsync(stream, 1);
            string password = Encoding.UTF8.GetString(await s.ReadExactlyAsync(stream, passwordLength[0]));
            bool ok = acceptCredentials && header[0] == 0x01 && user == "user" && password == "päss:word";
            await stream.WriteAsync(new byte[] { 0x01, ok ? (byte)0x00 : (byte)0x01 }, s.Stopping);
            if (!ok)
            {
                return;
            }
        }

        byte[] request = await s.ReadExactlyAsync(stream, 4);
        byte[] address = request[3] switch
        {
            0x01 => await s.ReadExactlyAsync(stream, 4),
            0x04 => await s.ReadExactlyAsync(stream, 16),
            _ => await s.ReadExactlyAsync(stream, (await s.ReadExactlyAsync(stream, 1))[0]),
        };
        byte[] port = await s.ReadExactlyAsync(stream, 2);
        onConnectRequest?.Invoke(request[3], [.. address, .. port]);
        if (stallAfterRequest)
        {
            await Task.Delay(Timeout.Infinite, s.Stopping);
        }

        byte[] bound = boundAddressType switch
        {
            0x01 => [0x01, 10, 0, 0, 1],
            0x04 => [0x04, .. IPAddress.Parse("2001:db8::5").GetAddressBytes()],
            _ => [0x03, 11, .. "exit.proxy."u8],
        };
        await stream.WriteAsync((byte[])[0x05, reply, 0x00, .. bound, 0x1F, 0x90], s.Stopping);
        if (reply == 0x00)
        {
            await s.EchoAsync(stream);
        }
    });

    [Theory]
    [InlineData((byte)0x01)]
    [InlineData((byte)0x03)]
    [InlineData((byte)0x04)]
    public async Task ConnectAsync_Socks5WithAuth_DomainSentAndAnyBoundAddressTypeRead(byte boundType)
    {
        byte requestType = 0;
        byte[]? requestAddress = null;
        await using FakeUpstreamServer server = Socks5Upstream(boundAddressType: boundType, onConnectRequest: (type, address) =>
        {
            requestType = type;
            requestAddress = address;
        });

        await using UpstreamConnection connection = await CreateSut().ConnectAsync(Upstream(UpstreamScheme.Socks5, server.Port), "example.com", 443, CancellationToken.None);

        await AssertTunnelEchoesAsync(connection);
        Assert.Equal(0x03, requestType);
        Assert.Equal([.. "example.com"u8, 0x01, 0xBB], requestAddress);
        Assert.True(server.Received.TryPeek(out byte[]? greeting));
        Assert.Equal([0x05, 0x02], greeting);
    }

    [Theory]
    [InlineData("93.184.216.34", (byte)0x01, new byte[] { 93, 184, 216, 34, 0, 80 })]
    [InlineData("[2001:db8::1]", (byte)0x04, new byte[] { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 80 })]
    public async Task ConnectAsync_Socks5IpTarget_AddressTypeMatches(string host, byte expectedType, byte[] expectedAddress)
    {
        byte requestType = 0;
        byte[]? requestAddress = null;
        await using FakeUpstreamServer server = Socks5Upstream(onConnectRequest: (type, address) =>
        {
            requestType = type;
            requestAddress = address;
        });

        await using UpstreamConnection connection = await CreateSut().ConnectAsync(Upstream(UpstreamScheme.Socks5, server.Port), host, 80, CancellationToken.None);

        await AssertTunnelEchoesAsync(connection);
        Assert.Equal(expectedType, requestType);
        Assert.Equal(expectedAddress, requestAddress);
    }

    [Fact]
    public async Task ConnectAsync_Socks5WithoutCredentials_OffersNoAuthOnly()
    {
        await using FakeUpstreamServer server = Socks5Upstream(requireAuth: false);

        await using UpstreamConnection connection = await CreateSut().ConnectAsync(Upstream(UpstreamScheme.Socks5, server.Port, null, null), "example.com", 443, CancellationToken.None);

        await AssertTunnelEchoesAsync(connection);
        byte[][] received = [.. server.Received];
        Assert.Equal([0x05, 0x01], received[0]);
        Assert.Equal([0x00], received[1]);
    }

    [Fact]
    public async Task ConnectAsync_Socks5WrongCredentials_AuthRejected()
    {
        await using FakeUpstreamServer server = Socks5Upstream(acceptCredentials: false);

        Assert.Equal(UpstreamOutcomeKind.UpstreamAuthRejected, (await AssertFailsAsync(Upstream(UpstreamScheme.Socks5, server.Port))).Kind);
    }

    [Fact]
    public async Task ConnectAsync_Socks5NeedsAuthButWeHaveNone_AuthRejected()
    {
        await using FakeUpstreamServer server = Socks5Upstream();

        Assert.Equal(UpstreamOutcomeKind.UpstreamAuthRejected, (await AssertFailsAsync(Upstream(UpstreamScheme.Socks5, server.Port, null, null))).Kind);
    }

    [Theory]
    [InlineData((byte)0x01, UpstreamOutcomeKind.UpstreamError, Socks5ReplyCode.GeneralFailure)]
    [InlineData((byte)0x02, UpstreamOutcomeKind.TargetError, Socks5ReplyCode.ConnectionNotAllowed)]
    [InlineData((byte)0x03, UpstreamOutcomeKind.TargetError, Socks5ReplyCode.NetworkUnreachable)]
    [InlineData((byte)0x04, UpstreamOutcomeKind.TargetError, Socks5ReplyCode.HostUnreachable)]
    [InlineData((byte)0x05, UpstreamOutcomeKind.TargetError, Socks5ReplyCode.ConnectionRefused)]
    [InlineData((byte)0x06, UpstreamOutcomeKind.TargetError, Socks5ReplyCode.TtlExpired)]
    [InlineData((byte)0x07, UpstreamOutcomeKind.UpstreamProtocolError, Socks5ReplyCode.GeneralFailure)]
    [InlineData((byte)0x08, UpstreamOutcomeKind.UpstreamProtocolError, Socks5ReplyCode.GeneralFailure)]
    [InlineData((byte)0x42, UpstreamOutcomeKind.UpstreamProtocolError, Socks5ReplyCode.GeneralFailure)]
    public async Task ConnectAsync_Socks5FailureReply_MappedKindAndReply(byte reply, UpstreamOutcomeKind kind, Socks5ReplyCode relay)
    {
        await using FakeUpstreamServer server = Socks5Upstream(reply: reply);

        UpstreamConnectException ex = await AssertFailsAsync(Upstream(UpstreamScheme.Socks5, server.Port));

        Assert.Equal(kind, ex.Kind);
        Assert.Equal(relay, ex.SocksReply);
    }

    [Theory]
    [InlineData(new byte[] { 0x04, 0x5A })]
    [InlineData(new byte[] { 0x05, 0x01 })]
    [InlineData(new byte[] { (byte)'H', (byte)'T' })]
    public async Task ConnectAsync_Socks5GarbageGreetingReply_ProtocolError(byte[] answer)
    {
        await using FakeUpstreamServer server = new(async (stream, s) =>
        {
            await s.ReadExactlyAsync(stream, 4);
            await stream.WriteAsync(answer, s.Stopping);
            await Task.Delay(Timeout.Infinite, s.Stopping);
        });

        Assert.Equal(UpstreamOutcomeKind.UpstreamProtocolError, (await AssertFailsAsync(Upstream(UpstreamScheme.Socks5, server.Port))).Kind);
    }

    [Fact]
    public async Task ConnectAsync_Socks5ClosesMidHandshake_ProtocolError()
    {
        await using FakeUpstreamServer server = new(async (stream, s) =>
        {
            await s.ReadExactlyAsync(stream, 3);
            await stream.WriteAsync(new byte[] { 0x05 }, s.Stopping);
        });

        Assert.Equal(UpstreamOutcomeKind.UpstreamProtocolError, (await AssertFailsAsync(Upstream(UpstreamScheme.Socks5, server.Port, null, null))).Kind);
    }

    [Fact]
    public async Task ConnectAsync_Success_ReportsTimings()
    {
        await using FakeUpstreamServer server = Socks5Upstream();

        await using UpstreamConnection connection = await CreateSut().ConnectAsync(Upstream(UpstreamScheme.Socks5, server.Port), "example.com", 443, CancellationToken.None);

        Assert.True(connection.ConnectTime >= TimeSpan.Zero);
        Assert.True(connection.HandshakeTime > TimeSpan.Zero);
        Assert.Equal(connection.ConnectTime + connection.HandshakeTime, connection.TotalTime);
    }
}
