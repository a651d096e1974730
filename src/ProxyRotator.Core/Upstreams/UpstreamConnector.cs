using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Core.Upstreams;

/// <summary>
/// Opens a raw tunnel to <c>target:port</c> through one upstream: TCP connect (NoDelay), then an HTTP <c>CONNECT</c>
/// with <c>Proxy-Authorization: Basic</c> sent up front (no 407 round trip), or a SOCKS5 handshake (RFC 1928, with
/// RFC 1929 username/password; host names are sent to the upstream, which resolves them). One timeout,
/// <see cref="GatewayOptions.ConnectTimeout"/>, covers the connect and the handshake.
/// <para>
/// Failures are thrown as <see cref="UpstreamConnectException"/> with the <see cref="UpstreamOutcomeKind"/>:
/// refused/reset/unresolvable upstream → <c>UpstreamConnectFailed</c>; no answer in time → <c>UpstreamTimeout</c> (with
/// <see cref="FailureEvidence.UpstreamUnconfirmed"/> evidence once the request naming the target went out);
/// garbage, an oversized or malformed answer, an early close → <c>UpstreamProtocolError</c>; HTTP 407 or a SOCKS5
/// authentication failure → <c>UpstreamAuthRejected</c>; HTTP 502/504 (the upstream could not reach the target) →
/// <c>TargetError</c>; other refusals → <c>UpstreamError</c>, unless an error header (<see cref="UpstreamErrorHeaders"/>)
/// says whose fault it was. SOCKS5 replies 0x02–0x06 concern the target — the upstream reached its network and
/// reported back, so they are <c>TargetError</c> (relayed as-is to a SOCKS5 client); 0x01 general failure is
/// <c>UpstreamError</c> with <see cref="FailureEvidence.Unknown"/> evidence; 0x07/0x08 mean the upstream cannot do a plain CONNECT
/// (<c>UpstreamProtocolError</c>). Cancellation by the caller is an <see cref="OperationCanceledException"/>.
/// </para>
/// <para>
/// Hot path: one pooled buffer per handshake (ArrayPool), pooled async state machines, no closures. A CONNECT answer
/// is read in chunks; bytes past its head (tunnel data sent in the same packet) are handed on through
/// <see cref="UpstreamConnection.Stream"/>, never lost.
/// </para>
/// </summary>
public sealed class UpstreamConnector
{
    /// <summary>Largest CONNECT answer head read from an HTTP upstream.</summary>
    public const int MaxResponseHeadBytes = 8 * 1024;

    private const int BufferSize = MaxResponseHeadBytes;
    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;

    private readonly TimeSpan _connectTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly bool _inlineCompletions;

    public UpstreamConnector(GatewayOptions options, TimeProvider timeProvider)
        : this((options ?? throw new ArgumentNullException(nameof(options))).ConnectTimeout, timeProvider)
    {
    }

    /// <param name="connectTimeout">Covers the TCP connect and the handshake (health probes pass their own timeout).</param>
    public UpstreamConnector(TimeSpan connectTimeout, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (connectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("gateway.connectTimeout must be positive.", nameof(connectTimeout));
        }

        _connectTimeout = connectTimeout;
        _timeProvider = timeProvider;
    }

    private UpstreamConnector(UpstreamConnector settings, bool inlineCompletions)
        : this(settings._connectTimeout, settings._timeProvider)
    {
        _inlineCompletions = inlineCompletions;
    }

    public TimeSpan ConnectTimeout => _connectTimeout;

    /// <summary>Whether tunnel sockets run their completions inline (<see cref="WithInlineCompletions"/>).</summary>
    public bool InlineCompletions => _inlineCompletions;

    /// <summary>
    /// The same connector, except that each tunnel's socket runs its async completions on the runtime's socket event
    /// thread (<see cref="InlineSocketCompletions"/>): the connect, the handshake and whatever the caller then does on
    /// the socket need no thread-pool hop each. Only for a caller whose continuations never block (the gateway's own
    /// CONNECT and SOCKS5 tunnels, the HTTP relay's upstream connections, direct ones too); not for UDP associations,
    /// nor for HTTP clients built on tunnels.
    /// </summary>
    public UpstreamConnector WithInlineCompletions() => new(this, inlineCompletions: true);

    /// <summary>A tunnel through <paramref name="upstream"/> with its own credentials.</summary>
    public ValueTask<UpstreamConnection> ConnectAsync(UpstreamProxy upstream, string targetHost, int targetPort, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        return ConnectAsync(upstream.Endpoint, upstream, targetHost, targetPort, UpstreamCredentials.Of(upstream.Endpoint), ct);
    }

    /// <summary>A tunnel through <paramref name="upstream"/> with the credentials resolved for this request.</summary>
    public ValueTask<UpstreamConnection> ConnectAsync(UpstreamProxy upstream, string targetHost, int targetPort, UpstreamCredentials? credentials, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        return ConnectAsync(upstream.Endpoint, upstream, targetHost, targetPort, credentials, ct);
    }

    /// <summary>A tunnel through an upstream known only by its endpoint (health probes).</summary>
    public ValueTask<UpstreamConnection> ConnectAsync(UpstreamEndpoint endpoint, string targetHost, int targetPort, UpstreamCredentials? credentials, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return ConnectAsync(endpoint, null, targetHost, targetPort, credentials, ct);
    }

    /// <summary>
    /// A SOCKS5 UDP ASSOCIATE (RFC 1928 §7) with <paramref name="upstream"/>: the TCP control connection (the association
    /// lives as long as it stays open) and the upstream's UDP relay address. A 0.0.0.0 relay address means "the address
    /// you reached me on". Failures throw <see cref="UpstreamConnectException"/> as for a tunnel.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<UpstreamUdpAssociation> UdpAssociateAsync(UpstreamProxy upstream, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        UpstreamEndpoint endpoint = upstream.Endpoint;
        if (endpoint.Scheme != UpstreamScheme.Socks5)
        {
            throw new ArgumentException("UDP ASSOCIATE needs a SOCKS5 upstream", nameof(upstream));
        }

        ct.ThrowIfCancellationRequested();
        long started = _timeProvider.GetTimestamp();
        using var timeout = new CancellationTokenSource(_connectTimeout, _timeProvider);
        using CancellationTokenRegistration link = ct.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timeout);

        Socket? socket = null;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        bool connected = false;
        try
        {
            socket = CreateSocket(endpoint.Host, out EndPoint remote, endpoint.Port);
            await socket.ConnectAsync(remote, timeout.Token).ConfigureAwait(false);
            connected = true;
            TimeSpan connectTime = _timeProvider.GetElapsedTime(started);

            // DST.ADDR/DST.PORT 0.0.0.0:0: the gateway's own UDP source is not known before its socket sends.
            IPEndPoint? bound = await Socks5RequestAsync(socket, UpstreamCredentials.Of(endpoint), "0.0.0.0", 0, Socks5CommandUdpAssociate, buffer, timeout.Token).ConfigureAwait(false)
                ?? throw Protocol("The SOCKS5 upstream announced its UDP relay by name, not by address.");
            if (bound.Address.Equals(IPAddress.Any) || bound.Address.Equals(IPAddress.IPv6Any))
            {
                bound = new IPEndPoint(((IPEndPoint)socket.RemoteEndPoint!).Address, bound.Port);
            }

            TimeSpan handshakeTime = _timeProvider.GetElapsedTime(started) - connectTime;
            var control = new UpstreamConnection(upstream, endpoint, socket, new NetworkStream(socket, ownsSocket: true), connectTime, handshakeTime);
            return new UpstreamUdpAssociation(control, bound);
        }
        catch (Exception ex)
        {
            socket?.Dispose();
            if (ex is OperationCanceledException && ct.IsCancellationRequested)
            {
                throw new OperationCanceledException("The caller cancelled the upstream UDP ASSOCIATE.", ex, ct);
            }

            throw Translate(ex, connected, timeout.IsCancellationRequested);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<UpstreamConnection> ConnectAsync(
        UpstreamEndpoint endpoint, UpstreamProxy? upstream, string targetHost, int targetPort, UpstreamCredentials? credentials, CancellationToken ct)
    {
        string host = NormalizeTargetHost(targetHost);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetPort, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(targetPort, 65535);
        ct.ThrowIfCancellationRequested();

        long started = _timeProvider.GetTimestamp();
        using var timeout = new CancellationTokenSource(_connectTimeout, _timeProvider);
        using CancellationTokenRegistration link = ct.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timeout);

        Socket? socket = null;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        bool connected = false;
        bool targetNamed = false;
        try
        {
            socket = CreateTunnelSocket(endpoint.Host, out EndPoint remote, endpoint.Port);

            await socket.ConnectAsync(remote, timeout.Token).ConfigureAwait(false);
            connected = true;
            TimeSpan connectTime = _timeProvider.GetElapsedTime(started);

            byte[]? leftover;
            if (endpoint.Scheme == UpstreamScheme.Http)
            {
                await SendHttpConnectAsync(socket, credentials, host, targetPort, buffer, timeout.Token).ConfigureAwait(false);
                targetNamed = true;
                leftover = await ReceiveHttpConnectAnswerAsync(socket, buffer, timeout.Token).ConfigureAwait(false);
            }
            else
            {
                await Socks5SendRequestAsync(socket, credentials, host, targetPort, Socks5CommandConnect, buffer, timeout.Token).ConfigureAwait(false);
                targetNamed = true;
                await Socks5ReceiveReplyAsync(socket, buffer, timeout.Token).ConfigureAwait(false);
                leftover = null;
            }

            TimeSpan handshakeTime = _timeProvider.GetElapsedTime(started) - connectTime;
            var network = new NetworkStream(socket, ownsSocket: true);
            Stream stream = leftover is null ? network : new PrefixedStream(leftover, network);
            return new UpstreamConnection(upstream, endpoint, socket, stream, connectTime, handshakeTime);
        }
        catch (Exception ex)
        {
            socket?.Dispose();
            if (ex is OperationCanceledException && ct.IsCancellationRequested)
            {
                throw new OperationCanceledException("The caller cancelled the upstream connect.", ex, ct);
            }

            throw Translate(ex, connected, timeout.IsCancellationRequested, targetNamed);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// A plain TCP connection to an HTTP upstream itself, for requests written to it in absolute form (the gateway's
    /// HTTP relay): the same connect timeout and failure translation as a tunnel's connect, without a handshake.
    /// </summary>
    public async ValueTask<UpstreamConnection> ConnectDirectAsync(UpstreamProxy upstream, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        ct.ThrowIfCancellationRequested();
        long started = _timeProvider.GetTimestamp();
        using var timeout = new CancellationTokenSource(_connectTimeout, _timeProvider);
        using CancellationTokenRegistration link = ct.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timeout);
        Socket? socket = null;
        try
        {
            socket = CreateTunnelSocket(upstream.Endpoint.Host, out EndPoint remote, upstream.Endpoint.Port);

            await socket.ConnectAsync(remote, timeout.Token).ConfigureAwait(false);
            return new UpstreamConnection(upstream, upstream.Endpoint, socket, new NetworkStream(socket, ownsSocket: true), _timeProvider.GetElapsedTime(started), TimeSpan.Zero);
        }
        catch (Exception ex)
        {
            socket?.Dispose();
            if (ex is OperationCanceledException && ct.IsCancellationRequested)
            {
                throw new OperationCanceledException("The caller cancelled the upstream connect.", ex, ct);
            }

            throw Translate(ex, connected: false, timeout.IsCancellationRequested);
        }
    }

    /// <param name="targetNamed">
    /// The request naming the target went out: a timeout after it may be the target's (the upstream answers once it
    /// reached the target, and one that drops connection attempts keeps it waiting), so it is charged only once another
    /// upstream serves the target (<see cref="FailureEvidence.UpstreamUnconfirmed"/>).
    /// </param>
    private Exception Translate(Exception ex, bool connected, bool timedOut, bool targetNamed = false)
    {
        if (ex is UpstreamConnectException)
        {
            return ex;
        }

        if (timedOut && targetNamed && ex is OperationCanceledException or SocketException or IOException)
        {
            return new UpstreamConnectException(
                UpstreamOutcomeKind.UpstreamTimeout,
                $"The upstream did not answer the request for the target within {_connectTimeout.TotalMilliseconds:0} ms.",
                Socks5ReplyCode.HostUnreachable,
                innerException: ex,
                evidence: FailureEvidence.UpstreamUnconfirmed,
                reason: "no answer from the target in time");
        }

        if (timedOut && ex is OperationCanceledException or SocketException or IOException)
        {
            string phase = connected ? "did not finish its handshake" : "did not accept the connection";
            return new UpstreamConnectException(
                UpstreamOutcomeKind.UpstreamTimeout,
                $"The upstream {phase} within {_connectTimeout.TotalMilliseconds:0} ms.",
                Socks5ReplyCode.HostUnreachable,
                innerException: ex);
        }

        if (ex is SocketException or IOException)
        {
            SocketError error = (ex as SocketException ?? ex.InnerException as SocketException)?.SocketErrorCode ?? SocketError.SocketError;
            string what = connected ? "closed the connection during the handshake" : "could not be connected";
            return new UpstreamConnectException(
                UpstreamOutcomeKind.UpstreamConnectFailed,
                $"The upstream {what} ({error}).",
                Socks5ReplyCode.ConnectionRefused,
                innerException: ex);
        }

        return ex;
    }

    /// <summary>
    /// The socket of a tunnel or a direct connection, its completions inline when this connector says so (a UDP
    /// association's control connection takes <see cref="CreateSocket"/> and stays on the thread pool).
    /// </summary>
    private Socket CreateTunnelSocket(string host, out EndPoint remote, int port)
    {
        Socket socket = CreateSocket(host, out remote, port);
        if (_inlineCompletions)
        {
            InlineSocketCompletions.TryEnable(socket);
        }

        // The gateway writes first on every connection made here: the handshake's last ACK rides on that write.
        TcpQuickAck.TurnOffBeforeFirstWrite(socket);
        return socket;
    }

    private static Socket CreateSocket(string host, out EndPoint remote, int port)
    {
        Socket socket;
        if (IPAddress.TryParse(host, out IPAddress? address))
        {
            socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            remote = new IPEndPoint(address, port);
        }
        else
        {
            socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            remote = new DnsEndPoint(host, port);
        }

        socket.NoDelay = true;
        return socket;
    }

    // ---- HTTP CONNECT -------------------------------------------------------------------------------------------

    private static ValueTask SendHttpConnectAsync(Socket socket, UpstreamCredentials? credentials, string host, int port, byte[] buffer, CancellationToken ct)
    {
        int length = WriteConnectRequest(buffer, credentials, host, port);
        return SocketSend.AllAsync(socket, buffer.AsMemory(0, length), ct);
    }

    /// <returns>Bytes received after the answer head (tunnel data), or null.</returns>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<byte[]?> ReceiveHttpConnectAnswerAsync(Socket socket, byte[] buffer, CancellationToken ct)
    {
        int filled = 0;
        int headLength;
        while (true)
        {
            if (filled == buffer.Length || filled >= MaxResponseHeadBytes)
            {
                throw Protocol($"The upstream's CONNECT answer head is larger than {MaxResponseHeadBytes} bytes.");
            }

            int read = await socket.ReceiveAsync(buffer.AsMemory(filled, Math.Min(buffer.Length, MaxResponseHeadBytes) - filled), SocketFlags.None, ct)
                .ConfigureAwait(false);
            if (read == 0)
            {
                throw Protocol(filled == 0 ? "The upstream closed the connection without answering CONNECT." : "The upstream closed the connection in the middle of its CONNECT answer.");
            }

            int searchFrom = Math.Max(0, filled - 3);
            filled += read;
            int end = buffer.AsSpan(searchFrom, filled - searchFrom).IndexOf(HeadEnd);
            if (end >= 0)
            {
                headLength = searchFrom + end + HeadEnd.Length;
                break;
            }
        }

        int status = ParseResponseHead(buffer.AsSpan(0, headLength));
        if (status is >= 200 and <= 299)
        {
            return filled > headLength ? buffer.AsSpan(headLength, filled - headLength).ToArray() : null;
        }

        throw ConnectRefusal(status, buffer.AsSpan(0, headLength));
    }

    /// <summary>
    /// An HTTP upstream refused CONNECT. 407 is ours to fix (our credentials); 502/504 mean it could not reach the target;
    /// a 503 or another refusal is the upstream's unless an error header (<see cref="UpstreamErrorHeaders"/>) says otherwise.
    /// </summary>
    private static UpstreamConnectException ConnectRefusal(int status, ReadOnlySpan<byte> head)
    {
        if (status == 407)
        {
            return new UpstreamConnectException(UpstreamOutcomeKind.UpstreamAuthRejected,
                "The upstream rejected our credentials (407).", Socks5ReplyCode.ConnectionRefused, status);
        }

        if (status is < 400)
        {
            return new UpstreamConnectException(UpstreamOutcomeKind.UpstreamProtocolError,
                $"The upstream answered CONNECT with an unexpected {status}.", Socks5ReplyCode.GeneralFailure, status);
        }

        FailureEvidence? said = FindEvidence(head, out string? reason);
        FailureEvidence evidence = said ?? status switch
        {
            502 or 504 => FailureEvidence.Target,
            503 => FailureEvidence.Unknown,
            _ => FailureEvidence.Upstream,
        };
        // For a SOCKS5 client: a refusal stays a refusal; anything else the upstream could not reach is "host unreachable".
        Socks5ReplyCode reply = evidence != FailureEvidence.Target ? Socks5ReplyCode.ConnectionRefused
            : reason is not null && reason.Contains("refused", StringComparison.OrdinalIgnoreCase) ? Socks5ReplyCode.ConnectionRefused
            : Socks5ReplyCode.HostUnreachable;
        return evidence == FailureEvidence.Target
            ? new UpstreamConnectException(UpstreamOutcomeKind.TargetError, $"The upstream could not reach the target (CONNECT answered {status}).",
                reply, status, evidence: evidence, reason: reason ?? $"the upstream answered {status}")
            : new UpstreamConnectException(UpstreamOutcomeKind.UpstreamError, $"The upstream answered CONNECT with {status}.",
                reply, status, evidence: evidence, reason: reason);
    }

    /// <summary>The evidence in an answer head's error headers (the first one that says something), or null.</summary>
    internal static FailureEvidence? FindEvidence(ReadOnlySpan<byte> head, out string? reason)
    {
        reason = null;
        int lineEnd = head.IndexOf("\r\n"u8);
        ReadOnlySpan<byte> rest = lineEnd < 0 ? default : head[(lineEnd + 2)..];
        Span<char> name = stackalloc char[32];
        while (true)
        {
            int end = rest.IndexOf("\r\n"u8);
            if (end <= 0)
            {
                return null;
            }

            ReadOnlySpan<byte> line = rest[..end];
            rest = rest[(end + 2)..];
            int colon = line.IndexOf((byte)':');
            if (colon <= 0 || colon > name.Length)
            {
                continue;
            }

            int nameLength = Encoding.ASCII.GetChars(line[..colon], name);
            if (!UpstreamErrorHeaders.IsEvidenceHeader(name[..nameLength]))
            {
                continue;
            }

            string value = Encoding.ASCII.GetString(line[(colon + 1)..]);
            if (UpstreamErrorHeaders.Classify(name[..nameLength], value, out reason) is { } evidence)
            {
                return evidence;
            }
        }
    }

    private static int WriteConnectRequest(Span<byte> buffer, UpstreamCredentials? credentials, string host, int port)
    {
        var writer = new SpanWriter(buffer);
        for (int line = 0; line < 2; line++)
        {
            writer.Write(line == 0 ? "CONNECT "u8 : "Host: "u8);
            WriteAuthority(ref writer, host, port);
            writer.Write(line == 0 ? " HTTP/1.1\r\n"u8 : "\r\n"u8);
        }

        if (credentials is { } presented)
        {
            writer.Write("Proxy-Authorization: "u8);
            writer.Advance(ProxyAuthorization.WriteBasic(presented.Username, presented.Password, writer.Remaining));
            writer.Write("\r\n"u8);
        }

        writer.Write("\r\n"u8);
        return writer.Written;
    }

    private static void WriteAuthority(ref SpanWriter writer, string host, int port)
    {
        bool ipv6 = host.Contains(':', StringComparison.Ordinal);
        if (ipv6)
        {
            writer.Write("["u8);
        }

        writer.Advance(Encoding.ASCII.GetBytes(host, writer.Remaining));
        if (ipv6)
        {
            writer.Write("]"u8);
        }

        writer.Write(":"u8);
        port.TryFormat(writer.Remaining, out int written, default, System.Globalization.CultureInfo.InvariantCulture);
        writer.Advance(written);
    }

    /// <summary>
    /// Validates <c>HTTP/1.x SP 3DIGIT [SP reason] CRLF</c> and <c>name: value CRLF</c> header lines strictly (no
    /// whitespace before a colon, no folded lines, no control characters), returns the status code.
    /// </summary>
    internal static int ParseResponseHead(ReadOnlySpan<byte> head)
    {
        int lineEnd = head.IndexOf("\r\n"u8);
        ReadOnlySpan<byte> statusLine = head[..lineEnd];
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || (statusLine[7] != (byte)'0' && statusLine[7] != (byte)'1')
            || statusLine[8] != (byte)' ' || !IsDigit(statusLine[9]) || !IsDigit(statusLine[10]) || !IsDigit(statusLine[11])
            || (statusLine.Length > 12 && statusLine[12] != (byte)' '))
        {
            throw Protocol("The upstream answered CONNECT with a malformed status line.");
        }

        foreach (byte b in statusLine)
        {
            if (b is < 0x20 and not (byte)'\t' or 0x7F)
            {
                throw Protocol("The upstream's status line contains control characters.");
            }
        }

        int status = ((statusLine[9] - '0') * 100) + ((statusLine[10] - '0') * 10) + (statusLine[11] - '0');
        ReadOnlySpan<byte> rest = head[(lineEnd + 2)..];
        while (true)
        {
            int end = rest.IndexOf("\r\n"u8);
            if (end == 0)
            {
                return status;
            }

            ValidateHeaderLine(rest[..end]);
            rest = rest[(end + 2)..];
        }
    }

    private static void ValidateHeaderLine(ReadOnlySpan<byte> line)
    {
        int colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            throw Protocol("The upstream sent a header line without a name (or a folded line).");
        }

        foreach (byte b in line[..colon])
        {
            if (!IsTokenChar(b))
            {
                throw Protocol("The upstream sent a header name with whitespace or a forbidden character.");
            }
        }

        foreach (byte b in line[(colon + 1)..])
        {
            if (b is < 0x20 and not (byte)'\t' or 0x7F)
            {
                throw Protocol("The upstream sent a header value with control characters.");
            }
        }
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static bool IsTokenChar(byte b) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
        || "!#$%&'*+-.^_`|~"u8.Contains(b);

    // ---- SOCKS5 -------------------------------------------------------------------------------------------------

    /// <summary>The SOCKS5 greeting, authentication and one request; returns BND.ADDR:BND.PORT (null for a domain name).</summary>
    private static async ValueTask<IPEndPoint?> Socks5RequestAsync(
        Socket socket, UpstreamCredentials? credentials, string host, int port, byte command, byte[] buffer, CancellationToken ct)
    {
        await Socks5SendRequestAsync(socket, credentials, host, port, command, buffer, ct).ConfigureAwait(false);
        return await Socks5ReceiveReplyAsync(socket, buffer, ct).ConfigureAwait(false);
    }

    /// <summary>The SOCKS5 greeting and authentication, then the request (the upstream acts on it before it replies).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask Socks5SendRequestAsync(
        Socket socket, UpstreamCredentials? credentials, string host, int port, byte command, byte[] buffer, CancellationToken ct)
    {
        Memory<byte> memory = buffer;

        // Greeting: offer username/password only when we have credentials, and no-auth in any case.
        int length = credentials is not null ? WriteBytes(buffer, 0x05, 0x02, 0x00, 0x02) : WriteBytes(buffer, 0x05, 0x01, 0x00);
        await SocketSend.AllAsync(socket, memory[..length], ct).ConfigureAwait(false);
        await ReceiveExactlyAsync(socket, memory[..2], ct).ConfigureAwait(false);
        if (buffer[0] != 0x05)
        {
            throw Protocol("The upstream did not answer the SOCKS5 greeting with version 5.");
        }

        switch (buffer[1])
        {
            case 0x00:
                break;
            case 0x02 when credentials is { } presented:
                await Socks5AuthenticateAsync(socket, presented, buffer, ct).ConfigureAwait(false);
                break;
            case 0xFF:
                throw new UpstreamConnectException(UpstreamOutcomeKind.UpstreamAuthRejected,
                    "The SOCKS5 upstream accepts none of our authentication methods.", Socks5ReplyCode.GeneralFailure);
            default:
                throw Protocol($"The SOCKS5 upstream chose authentication method 0x{buffer[1]:x2}, which we did not offer.");
        }

        length = WriteSocks5Connect(buffer, host, port);
        buffer[1] = command;
        await SocketSend.AllAsync(socket, memory[..length], ct).ConfigureAwait(false);
    }

    /// <summary>The SOCKS5 reply to a request: BND.ADDR:BND.PORT (null for a domain name), or the failure it reports.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<IPEndPoint?> Socks5ReceiveReplyAsync(Socket socket, byte[] buffer, CancellationToken ct)
    {
        Memory<byte> memory = buffer;

        // Reply: VER REP RSV ATYP, then BND.ADDR and BND.PORT of the announced type.
        await ReceiveExactlyAsync(socket, memory[..4], ct).ConfigureAwait(false);
        if (buffer[0] != 0x05 || buffer[2] != 0x00)
        {
            throw Protocol("The SOCKS5 upstream's CONNECT reply is malformed.");
        }

        if (buffer[1] != 0x00)
        {
            throw Socks5Failure(buffer[1]);
        }

        byte addressType = buffer[3];
        int remaining = addressType switch
        {
            0x01 => 4 + 2,
            0x04 => 16 + 2,
            0x03 => -1,
            _ => throw Protocol($"The SOCKS5 upstream's reply has an unknown address type 0x{buffer[3]:x2}."),
        };
        if (remaining < 0)
        {
            await ReceiveExactlyAsync(socket, memory[..1], ct).ConfigureAwait(false);
            remaining = buffer[0] + 2;
        }

        await ReceiveExactlyAsync(socket, memory[..remaining], ct).ConfigureAwait(false);
        return addressType == 0x03 ? null
            : new IPEndPoint(new IPAddress(buffer.AsSpan(0, remaining - 2)), BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(remaining - 2)));
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask Socks5AuthenticateAsync(Socket socket, UpstreamCredentials credentials, byte[] buffer, CancellationToken ct)
    {
        // RFC 1929: VER=1 ULEN UNAME PLEN PASSWD.
        Span<byte> span = buffer;
        int userLength = Encoding.UTF8.GetByteCount(credentials.Username);
        int passwordLength = Encoding.UTF8.GetByteCount(credentials.Password ?? string.Empty);
        if (userLength is 0 or > 255 || passwordLength > 255)
        {
            throw new UpstreamConnectException(UpstreamOutcomeKind.UpstreamAuthRejected,
                "The upstream's username or password does not fit RFC 1929 (1-255 bytes).", Socks5ReplyCode.GeneralFailure);
        }

        span[0] = 0x01;
        span[1] = (byte)userLength;
        Encoding.UTF8.GetBytes(credentials.Username, span[2..]);
        span[2 + userLength] = (byte)passwordLength;
        Encoding.UTF8.GetBytes(credentials.Password ?? string.Empty, span[(3 + userLength)..]);
        int length = 3 + userLength + passwordLength;
        try
        {
            await SocketSend.AllAsync(socket, buffer.AsMemory(0, length), ct).ConfigureAwait(false);
        }
        finally
        {
            buffer.AsSpan(0, length).Clear();
        }

        await ReceiveExactlyAsync(socket, buffer.AsMemory(0, 2), ct).ConfigureAwait(false);

        // VER should be 1; some servers answer 5. Either way, STATUS 0 is success.
        if (buffer[0] is not (0x01 or 0x05))
        {
            throw Protocol("The SOCKS5 upstream's authentication reply is malformed.");
        }

        if (buffer[1] != 0x00)
        {
            throw new UpstreamConnectException(UpstreamOutcomeKind.UpstreamAuthRejected,
                "The SOCKS5 upstream rejected our username/password.", Socks5ReplyCode.GeneralFailure);
        }
    }

    private const byte Socks5CommandConnect = 0x01;
    private const byte Socks5CommandUdpAssociate = 0x03;

    private static int WriteSocks5Connect(Span<byte> buffer, string host, int port)
    {
        buffer[0] = 0x05;
        buffer[1] = 0x01; // CONNECT
        buffer[2] = 0x00;
        int offset;
        if (IPAddress.TryParse(host, out IPAddress? address))
        {
            buffer[3] = address.AddressFamily == AddressFamily.InterNetwork ? (byte)0x01 : (byte)0x04;
            address.TryWriteBytes(buffer[4..], out int written);
            offset = 4 + written;
        }
        else
        {
            buffer[3] = 0x03;
            int written = Encoding.ASCII.GetBytes(host, buffer[5..]);
            buffer[4] = (byte)written;
            offset = 5 + written;
        }

        BinaryPrimitives.WriteUInt16BigEndian(buffer[offset..], (ushort)port);
        return offset + 2;
    }

    /// <summary>
    /// RFC 1928 replies 0x02–0x06 are about the target (the upstream reached out and reports back); 0x01, a general
    /// failure, could be either side and is left to a second upstream to settle; 0x07/0x08 mean the upstream cannot do
    /// a plain CONNECT.
    /// </summary>
    private static UpstreamConnectException Socks5Failure(byte reply)
    {
        var code = (Socks5ReplyCode)reply;
        return code switch
        {
            Socks5ReplyCode.GeneralFailure => new UpstreamConnectException(
                UpstreamOutcomeKind.UpstreamError, $"The SOCKS5 upstream failed the CONNECT (reply 0x{reply:x2}).", code,
                evidence: FailureEvidence.Unknown, reason: "the upstream reported a general failure"),
            Socks5ReplyCode.ConnectionNotAllowed or Socks5ReplyCode.NetworkUnreachable or Socks5ReplyCode.HostUnreachable
                or Socks5ReplyCode.ConnectionRefused or Socks5ReplyCode.TtlExpired => new UpstreamConnectException(
                UpstreamOutcomeKind.TargetError, $"The SOCKS5 upstream could not reach the target (reply 0x{reply:x2}).", code,
                reason: Socks5ReplyReason(code)),
            Socks5ReplyCode.CommandNotSupported or Socks5ReplyCode.AddressTypeNotSupported => new UpstreamConnectException(
                UpstreamOutcomeKind.UpstreamProtocolError, $"The SOCKS5 upstream does not support this CONNECT (reply 0x{reply:x2}).",
                Socks5ReplyCode.GeneralFailure),
            _ => Protocol($"The SOCKS5 upstream sent an unknown reply code 0x{reply:x2}."),
        };
    }

    private static string Socks5ReplyReason(Socks5ReplyCode code) => code switch
    {
        Socks5ReplyCode.ConnectionNotAllowed => "the upstream's rules do not allow this target",
        Socks5ReplyCode.NetworkUnreachable => "network unreachable",
        Socks5ReplyCode.HostUnreachable => "host unreachable (or its name does not resolve)",
        Socks5ReplyCode.ConnectionRefused => "connection refused",
        _ => "TTL expired",
    };

    // ---- I/O helpers --------------------------------------------------------------------------------------------

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask ReceiveExactlyAsync(Socket socket, Memory<byte> destination, CancellationToken ct)
    {
        while (!destination.IsEmpty)
        {
            int read = await socket.ReceiveAsync(destination, SocketFlags.None, ct).ConfigureAwait(false);
            if (read == 0)
            {
                throw Protocol("The SOCKS5 upstream closed the connection during the handshake.");
            }

            destination = destination[read..];
        }
    }

    private static int WriteBytes(Span<byte> buffer, params ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer);
        return bytes.Length;
    }

    private static UpstreamConnectException Protocol(string message) =>
        new(UpstreamOutcomeKind.UpstreamProtocolError, message, Socks5ReplyCode.GeneralFailure);

    /// <summary>Validates a target host (name or IP literal, brackets removed) before it goes into a request.</summary>
    private static string NormalizeTargetHost(string targetHost)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetHost);
        string host = targetHost.Length > 2 && targetHost[0] == '[' && targetHost[^1] == ']' ? targetHost[1..^1] : targetHost;
        if (host.Length is 0 or > 255)
        {
            throw new ArgumentException("The target host must have 1 to 255 characters.", nameof(targetHost));
        }

        foreach (char c in host)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or ':'))
            {
                throw new ArgumentException("The target host contains characters that are not allowed in a host name.", nameof(targetHost));
            }
        }

        if (host.Contains(':', StringComparison.Ordinal) && !IPAddress.TryParse(host, out _))
        {
            throw new ArgumentException("The target host is neither a host name nor an IP address.", nameof(targetHost));
        }

        return host;
    }

    /// <summary>Appends to a span; the buffer is sized so a valid request always fits.</summary>
    private ref struct SpanWriter(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;

        public int Written { get; private set; }

        public readonly Span<byte> Remaining => _buffer[Written..];

        public void Write(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_buffer[Written..]);
            Written += bytes.Length;
        }

        public void Advance(int count) => Written += count;
    }
}
