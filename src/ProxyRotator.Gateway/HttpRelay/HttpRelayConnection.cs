using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Upstreams;
using ProxyRotator.Gateway.Diagnostics;
using ProxyRotator.Gateway.Listening;
using ProxyRotator.Gateway.Pipeline;
using ProxyRotator.Gateway.Protocols;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.Gateway.HttpRelay;

/// <summary>
/// One client connection the HTTP relay serves (see <see cref="HttpRelayHandler"/>): reads each request head with the
/// gateway's strict parser, runs the one <see cref="RequestPipeline"/> for it (its exchange is
/// <see cref="HttpRelayExchange"/>), renders the pipeline's answer exactly as the Kestrel front end does, and goes on
/// with the next request (keep-alive, pipelining). A head the relay does not serve — anything but an HTTP/1.1
/// absolute-form <c>http://</c> request with a Host header, no Upgrade and no Expect, or a head the strict parser
/// refuses — hands the connection on to Kestrel with every byte read so far (<see cref="HandOff"/>), where the gateway's
/// Kestrel front end serves it and answers exactly as before.
/// </summary>
internal sealed class HttpRelayConnection : IDisposable
{
    /// <summary>The client's read buffer: heads larger than this go to Kestrel.</summary>
    public const int ClientBufferBytes = 16 * 1024;

    private readonly Socket _socket;
    private readonly RequestPipeline _pipeline;
    private readonly GatewayOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Microsoft.Extensions.Logging.ILogger _logger;
    private readonly string _connectionId;
    private readonly KeyValuePair<string, string>[] _exposed = new KeyValuePair<string, string>[2];
    private readonly int _maxRequestLine;
    private readonly ArraySegment<byte>[] _gather = new ArraySegment<byte>[2];
    private readonly ProxyAccountAuthenticator? _authenticator;
    private IPEndPoint? _client;

    // The Proxy-Authorization last admitted on this connection, and the epoch its admission ran under.
    private string? _admittedAuthorization;
    private CredentialEpoch _admittedEpoch;

    public HttpRelayConnection(Socket socket, string connectionId, RequestPipeline pipeline, GatewayOptions options, TimeProvider timeProvider,
        Microsoft.Extensions.Logging.ILogger logger, CancellationToken stopping, ProxyAccountAuthenticator? authenticator = null)
    {
        _authenticator = authenticator;
        _socket = socket;
        _connectionId = connectionId;
        _pipeline = pipeline;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _maxRequestLine = Math.Min(options.MaxHeaderBytes, 16 * 1024);
        Stream = new NetworkStream(socket, ownsSocket: false);
        Reader = new RelayReadBuffer(Stream, ClientBufferBytes);
        Deadline = new RelayDeadline(timeProvider, stopping);
        Stopping = stopping;
    }

    /// <summary>What the connection did in the end.</summary>
    public enum Ending
    {
        /// <summary>Served until the client or the gateway closed it: close the socket.</summary>
        Closed,
        /// <summary>A head the relay does not serve: hand the socket to Kestrel with <see cref="HandOff"/>'s bytes.</summary>
        HandOff,
    }

    public NetworkStream Stream { get; }

    public RelayReadBuffer Reader { get; }

    public RelayDeadline Deadline { get; }

    public ArrayBufferWriter<byte> Writer { get; } = new(4096);

    public BodyScanner RequestBody { get; } = new();

    public BodyScanner ResponseBody { get; } = new();

    public UpstreamResponseHead ResponseHead { get; } = new();

    public CancellationToken Stopping { get; }

    /// <summary>Requests served so far.</summary>
    public int Served { get; private set; }

    /// <summary>After <see cref="Ending.HandOff"/>: the bytes read from the client and not served, for Kestrel to read first.</summary>
    public byte[] HandOff { get; private set; } = [];

    /// <summary>
    /// Serves requests until the connection closes or a head goes to Kestrel. From the first head it serves on, the
    /// client's socket completes inline on the socket event threads, as the upstream's does (nothing the relay does
    /// after a read or write blocks; each head's admission hops to the pool first, see <see cref="ServeAsync"/>).
    /// </summary>
    public async Task<Ending> RunAsync()
    {
        bool first = true;
        while (!Stopping.IsCancellationRequested)
        {
            (RelayHead? head, Ending ending) = await ReadHeadAsync(first).ConfigureAwait(false);
            if (head is null)
            {
                if (ending == Ending.HandOff)
                {
                    // Kestrel's continuations may block: its socket completes on the pool again.
                    InlineSocketCompletions.Disable(_socket);
                    HandOff = Reader.CopyBuffered();
                }

                return ending;
            }

            if (first)
            {
                InlineSocketCompletions.TryEnable(_socket);
            }

            first = false;
            Served++;
            if (!await ServeAsync(head).ConfigureAwait(false))
            {
                return Ending.Closed;
            }
        }

        return Ending.Closed;
    }

    /// <summary><c>X-ProxyRotator-Upstream</c>/<c>-Session</c> for a successful answer, as the forwarded path adds them.</summary>
    public ReadOnlySpan<KeyValuePair<string, string>> ExposedHeaders(GatewayRequest request, UpstreamProxy upstream)
    {
        if (!_options.ExposeUpstreamHeaders)
        {
            return default;
        }

        _exposed[0] = new(GatewayHeaders.Upstream, upstream.Id.ToString(CultureInfo.InvariantCulture));
        if (request.Route?.SessionHeaderValue is { } sessionId)
        {
            _exposed[1] = new(GatewayHeaders.Session, sessionId);
            return _exposed;
        }

        return _exposed.AsSpan(0, 1);
    }

    /// <summary>
    /// Sends two buffers in one gathered send (a response head and the body bytes read with it). A socket send of a
    /// buffer list takes no token: the deadline shuts the socket down instead.
    /// </summary>
    public async ValueTask SendGatheredAsync(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second, CancellationToken cancellationToken)
    {
        if (!System.Runtime.InteropServices.MemoryMarshal.TryGetArray(first, out ArraySegment<byte> a)
            || !System.Runtime.InteropServices.MemoryMarshal.TryGetArray(second, out ArraySegment<byte> b))
        {
            await Stream.WriteAsync(first, cancellationToken).ConfigureAwait(false);
            await Stream.WriteAsync(second, cancellationToken).ConfigureAwait(false);
            return;
        }

        _gather[0] = a;
        _gather[1] = b;
        using CancellationTokenRegistration abort = cancellationToken.UnsafeRegister(static state => SocketShutdowns.Quietly((Socket)state!, SocketShutdown.Both), _socket);
        try
        {
            await _socket.SendAsync(_gather, SocketFlags.None).ConfigureAwait(false);
        }
        finally
        {
            _gather[0] = _gather[1] = default;
        }
    }

    public void Dispose()
    {
        Deadline.Dispose();
        Reader.Dispose();
        Stream.Dispose();
    }

    /// <summary>Serves one request; false when the connection must close after it.</summary>
    private async Task<bool> ServeAsync(RelayHead head)
    {
        var relayed = new RelayedHttpRequest(this, head.Head, head.Authority, head.OriginForm, head.Framing, head.ContentLength) { ClientCloses = head.ClientCloses };
        _client ??= _socket.RemoteEndPoint as IPEndPoint;
        GatewayRequest request = _pipeline.CreateRelayRequest(relayed, _client, head.Target);
        string authorization = relayed.ProxyAuthorization;
        CredentialEpoch epoch = _authenticator?.Epoch ?? default;
        try
        {
            if (!Thread.CurrentThread.IsThreadPoolThread && !AdmittedBefore(authorization, epoch))
            {
                // A socket event thread (the head, or the previous exchange, completed inline): admission may hash a
                // password on a credential-cache miss (PBKDF2, tens of ms), which must never stall every socket it serves.
                // An account and password this connection had admitted, under an unchanged epoch, is a cache hit: no hop.
                await Task.Yield();
            }

            GatewayAnswer? answered = await _pipeline.RunAsync(request, Stopping).ConfigureAwait(false);
            _admittedAuthorization = request.Admission is { IsAdmitted: true } ? authorization : null;
            _admittedEpoch = epoch;
            if (answered is { } answer && !relayed.ResponseStarted)
            {
                // An unread body cannot be skipped reliably: the connection closes after the answer.
                bool close = relayed.ClientCloses || (head.Framing != BodyFraming.None && !relayed.BodyDone);
                if (!await WriteAnswerAsync(answer, close).ConfigureAwait(false))
                {
                    return false;
                }

                return !close;
            }

            if (relayed.MalformedBody && !relayed.ResponseStarted)
            {
                // The client's own framing error, not a vanished client: it gets a clear answer, and nobody is blamed.
                request.ErrorCode ??= GatewayErrorCode.BadRequest;
                await WriteAnswerAsync(GatewayAnswer.BadRequest("the request body's chunked framing is malformed"), close: true).ConfigureAwait(false);
                return false;
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        finally
        {
            _pipeline.Complete(request);
        }

        return relayed.ResponseStarted && !relayed.CloseConnection && !relayed.ClientCloses && request.ErrorCode is null
            && (head.Framing == BodyFraming.None || relayed.BodyDone);
    }

    /// <summary>
    /// Whether this connection's previous request was admitted with the same account and password under an epoch that
    /// still holds (read before that admission ran): then its verdict is remembered and this admission hashes nothing.
    /// The rest of the username may differ: a client that sends a new session id on every request is a cache hit too.
    /// </summary>
    private bool AdmittedBefore(string authorization, CredentialEpoch epoch) =>
        _admittedAuthorization is { } admitted && _admittedEpoch.Matches(epoch)
        && (string.Equals(admitted, authorization, StringComparison.Ordinal) || BasicCredentialIdentity.SameAccountAndPassword(admitted, authorization));

    /// <summary>The pipeline's answer, as <c>GatewayForwardingMiddleware</c> renders it on the Kestrel path.</summary>
    private async Task<bool> WriteAnswerAsync(GatewayAnswer answer, bool close)
    {
        string body = answer.Message + "\n";
        var text = new StringBuilder(256)
            .Append("HTTP/1.1 ").Append(answer.StatusCode).Append(' ').Append(ReasonPhrases.GetReasonPhrase(answer.StatusCode)).Append("\r\n")
            .Append(GatewayHeaders.Error).Append(": ").Append(answer.ErrorCode).Append("\r\n");
        if (answer.IsChallenge)
        {
            text.Append("Proxy-Authenticate: ").Append(GatewayHeaders.ProxyAuthenticateValue).Append("\r\n");
        }
        else if (answer.RetryAfterSeconds > 0)
        {
            text.Append("Retry-After: ").Append(answer.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }

        text.Append("Content-Type: text/plain; charset=utf-8\r\nContent-Length: ").Append(Encoding.UTF8.GetByteCount(body)).Append("\r\n");
        if (close)
        {
            text.Append("Connection: close\r\n");
        }

        text.Append("\r\n").Append(body);
        try
        {
            await Stream.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), Deadline.Arm(_options.IdleTimeout)).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            return false;
        }
        finally
        {
            Deadline.Disarm();
        }
    }

    /// <summary>
    /// Waits for the next head (the idle timeout between requests, the head timeout once its first byte arrived) and
    /// parses it. Null with <see cref="Ending.HandOff"/> when it is not one the relay serves.
    /// </summary>
    private async Task<(RelayHead? Head, Ending Ending)> ReadHeadAsync(bool first)
    {
        long headStarted = Reader.Count > 0 || first ? _timeProvider.GetTimestamp() : 0;
        while (true)
        {
            if (Reader.Count > 0)
            {
                HttpHeadParseStatus status = HttpRequestHeadParser.TryParse(new ReadOnlySequence<byte>(Reader.Memory), _options.MaxHeaderBytes,
                    out HttpRequestHead? parsed, out long consumed, out _);
                if (status == HttpHeadParseStatus.Complete)
                {
                    if (RelayHead.From(parsed!, _maxRequestLine) is not { } relayable)
                    {
                        return (null, Ending.HandOff);
                    }

                    Reader.Consume((int)consumed);
                    return (relayable, Ending.Closed);
                }

                if (status != HttpHeadParseStatus.Incomplete)
                {
                    // Refused heads are answered by the Kestrel front end's strict reader, word for word as before.
                    return (null, Ending.HandOff);
                }
            }

            TimeSpan wait = headStarted == 0 ? _options.IdleTimeout : _options.HeaderTimeout - _timeProvider.GetElapsedTime(headStarted);
            int read;
            try
            {
                read = wait <= TimeSpan.Zero ? throw new OperationCanceledException() : await Reader.FillAsync(Deadline.Arm(wait)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                if (ex is OperationCanceledException && headStarted != 0 && !Stopping.IsCancellationRequested)
                {
                    GatewayLog.HeadTimedOut(_logger, _connectionId);
                }

                return (null, Ending.Closed);
            }
            finally
            {
                Deadline.Disarm();
            }

            if (read < 0)
            {
                // A head larger than the relay's buffer: Kestrel has the limits and answers for those.
                return (null, Ending.HandOff);
            }

            if (read == 0)
            {
                return (null, Reader.Count == 0 ? Ending.Closed : Ending.HandOff);
            }

            if (headStarted == 0)
            {
                headStarted = _timeProvider.GetTimestamp();
            }
        }
    }

    /// <summary>A head the relay serves, with what it needs from it.</summary>
    private sealed class RelayHead
    {
        public required HttpRequestHead Head { get; init; }

        public required Uri Target { get; init; }

        public required string Authority { get; init; }

        public required string OriginForm { get; init; }

        public BodyFraming Framing { get; init; }

        public long ContentLength { get; init; }

        public bool ClientCloses { get; init; }

        /// <summary>The relay's share of heads: HTTP/1.1 absolute-form <c>http://</c>, one Host, no Upgrade, no Expect, plain chunked at most.</summary>
        public static RelayHead? From(HttpRequestHead head, int maxRequestLine)
        {
            string target = head.Target;
            if (head.Version != "HTTP/1.1" || head.Method == "CONNECT" || head.Method.Length + target.Length + 10 > maxRequestLine
                || !target.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
                || !Uri.TryCreate(target, UriKind.Absolute, out Uri? uri) || uri.Scheme != Uri.UriSchemeHttp || uri.UserInfo.Length > 0)
            {
                return null;
            }

            int hosts = 0;
            bool close = false, chunked = false;
            long contentLength = -1;
            foreach ((string name, string value) in head.Headers)
            {
                if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
                {
                    hosts++;
                }
                else if (name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase) || name.Equals("Expect", StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }
                else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                {
                    if (chunked || !value.Equals("chunked", StringComparison.OrdinalIgnoreCase))
                    {
                        return null;
                    }

                    chunked = true;
                }
                else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    // The strict parser accepted one plain decimal value.
                    contentLength = long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                }
                else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                {
                    close |= UpstreamResponseHead.ContainsToken(Encoding.Latin1.GetBytes(value), "close"u8);
                }
            }

            if (hosts != 1)
            {
                return null;
            }

            int authorityStart = "http://".Length;
            int authorityEnd = target.AsSpan(authorityStart).IndexOfAny('/', '?', '#');
            string authority = authorityEnd < 0 ? target[authorityStart..] : target.Substring(authorityStart, authorityEnd);
            string rest = authorityEnd < 0 ? string.Empty : target[(authorityStart + authorityEnd)..];
            int fragment = rest.IndexOf('#', StringComparison.Ordinal);
            if (fragment >= 0)
            {
                rest = rest[..fragment];
            }

            string originForm = rest.Length == 0 ? "/" : rest[0] == '?' ? "/" + rest : rest;
            return new RelayHead
            {
                Head = head,
                Target = uri,
                Authority = authority,
                OriginForm = originForm,
                Framing = chunked ? BodyFraming.Chunked : contentLength > 0 ? BodyFraming.ContentLength : BodyFraming.None,
                ContentLength = Math.Max(0, contentLength),
                ClientCloses = close,
            };
        }
    }
}
