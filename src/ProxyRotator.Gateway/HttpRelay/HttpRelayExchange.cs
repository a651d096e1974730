using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Upstreams;
using ProxyRotator.Gateway.Http;
using ProxyRotator.Gateway.Pipeline;
using ProxyRotator.Gateway.Policy;
using ProxyRotator.Gateway.Protocols;

namespace ProxyRotator.Gateway.HttpRelay;

/// <summary>
/// The relay's attempt through one upstream (the <see cref="UpstreamExchange"/> of requests the
/// <see cref="HttpRelayConnection"/> read): writes the request over a pooled keep-alive connection (absolute form to an
/// HTTP upstream, with the upstream's own credentials; origin form through a tunnel of a SOCKS5 upstream), reads the
/// response head, lets <see cref="ForwardExchange"/> judge it exactly as on the forwarded path (an answer the upstream
/// wrote itself is held back for failover; ban rules), binds a sticky session, then relays head and body unchanged
/// in framing. A pooled connection that turns out closed before answering is replaced by a fresh one, without blame,
/// while the request can still be sent again (no body, or one still wholly in the client's buffer).
/// </summary>
internal sealed class HttpRelayExchange(
    UpstreamHttpConnectionPool pool,
    UpstreamConnector connector,
    ForwardExchange forward,
    ProxyRotatorConfig config,
    TimeProvider timeProvider,
    BanDetector? banDetector = null) : UpstreamExchange
{
    /// <summary>Read buffer of an upstream connection: the largest chunk a body moves in.</summary>
    public const int UpstreamBufferBytes = 128 * 1024;

    /// <summary>Body bytes already read up to this many are copied behind the head; more are sent gathered with it.</summary>
    private const int CoalescedBodyBytes = 16 * 1024;

    private readonly GatewayOptions _options = config.Gateway;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<AttemptResult> TryAsync(GatewayRequest request, UpstreamProxy upstream, CancellationToken cancellationToken)
    {
        RelayedHttpRequest relayed = request.Relayed!;
        bool tunnelled = upstream.Endpoint.Scheme != UpstreamScheme.Http;
        var key = new UpstreamHttpConnectionPool.PoolKey(upstream.Id, request.UpstreamCredentials, tunnelled ? request.DialHost : null, tunnelled ? request.TargetPort : 0);
        long start = timeProvider.GetTimestamp();
        // A request that can go again needs no poll: a closed pooled connection shows when it answers nothing, and is replaced.
        bool replayable = relayed.BodyFraming == BodyFraming.None
            || (relayed.BodyConsumed == 0 && relayed.BodyFraming == BodyFraming.ContentLength && relayed.ContentLength <= relayed.Connection.Reader.Count);
        UpstreamHttpConnection? connection = pool.Rent(key, upstream, probe: !replayable);
        while (true)
        {
            bool reused = connection is not null;
            if (connection is null)
            {
                try
                {
                    connection = await OpenAsync(request, upstream, tunnelled, cancellationToken).ConfigureAwait(false);
                }
                catch (UpstreamConnectException ex)
                {
                    return new AttemptResult(ex.Kind, ex.Evidence, timeProvider.GetElapsedTime(start), Reason: ex.Reason, SocksReply: (byte)ex.SocksReply,
                        Repeatable: relayed.BodyConsumed == 0);
                }
            }

            Attempt attempt = await ExchangeAsync(request, relayed, upstream, key, connection, tunnelled, reused, start, cancellationToken).ConfigureAwait(false);
            if (!attempt.Stale)
            {
                return attempt.Result;
            }

            // The upstream had closed the pooled connection: not its fault, and the request can go again.
            connection.Dispose();
            connection = null;
        }
    }

    private async ValueTask<UpstreamHttpConnection> OpenAsync(GatewayRequest request, UpstreamProxy upstream, bool tunnelled, CancellationToken cancellationToken)
    {
        UpstreamConnection opened = !tunnelled
            ? await connector.ConnectDirectAsync(upstream, cancellationToken).ConfigureAwait(false)
            : request.UpstreamCredentials is { } credentials
                ? await connector.ConnectAsync(upstream, request.DialHost, request.TargetPort, credentials, cancellationToken).ConfigureAwait(false)
                : await connector.ConnectAsync(upstream, request.DialHost, request.TargetPort, cancellationToken).ConfigureAwait(false);
        string? authorization = tunnelled ? null
            : request.UpstreamCredentials is { } perRequest ? ProxyAuthorization.BasicValue(perRequest)
            : ProxyAuthorization.BasicValue(upstream.Endpoint);
        return new UpstreamHttpConnection(upstream.Endpoint, opened.Socket, opened.Stream, Math.Max(UpstreamBufferBytes, _options.MaxHeaderBytes + 4))
        {
            ProxyAuthorization = authorization,
        };
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Attempt> ExchangeAsync(
        GatewayRequest request, RelayedHttpRequest relayed, UpstreamProxy upstream, UpstreamHttpConnectionPool.PoolKey key,
        UpstreamHttpConnection connection, bool tunnelled, bool reused, long start, CancellationToken cancellationToken)
    {
        HttpRelayConnection client = relayed.Connection;
        RelayDeadline deadline = client.Deadline;
        ArrayBufferWriter<byte> writer = client.Writer;
        RelayReadBuffer clientReader = client.Reader;
        BodyScanner requestBody = client.RequestBody;
        connection.Uses++;

        // The head, and as much of the body as the client's buffer holds, in one write; those body bytes stay in the
        // client's buffer until the upstream answered, so a stale connection or a held-back answer can send them again.
        writer.ResetWrittenCount();
        WriteRequestHead(writer, request, relayed, tunnelled, connection.ProxyAuthorization);
        requestBody.Reset(relayed.BodyFraming, relayed.ContentLength);
        int buffered = 0;
        if (!requestBody.IsComplete)
        {
            buffered = requestBody.Scan(clientReader.Span, null);
            if (buffered < 0)
            {
                relayed.CloseConnection = true;
                relayed.MalformedBody = true;
                return Fail(UpstreamOutcomeKind.ClientAborted, start, relayed, repeatable: false, connection);
            }

            writer.Write(clientReader.Span[..buffered]);
        }

        try
        {
            await connection.Stream.WriteAsync(writer.WrittenMemory, deadline.Arm(_options.ResponseTimeout)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            return deadline.Expired && !cancellationToken.IsCancellationRequested
                ? Fail(UpstreamOutcomeKind.UpstreamTimeout, start, relayed, repeatable: relayed.BodyConsumed == 0, connection)
                : FailedBeforeAnswer(reused, relayed, start, connection);
        }
        finally
        {
            deadline.Disarm();
        }

        long bodySent = 0;
        if (!requestBody.IsComplete)
        {
            // A body larger than the buffer streams through; from here on it cannot be sent again.
            clientReader.Consume(buffered);
            relayed.BodyConsumed += buffered;
            BodyRelayEnd sent = await BodyRelay.RelayAsync(clientReader, connection.Stream, requestBody, null, deadline, _options.IdleTimeout).ConfigureAwait(false);
            relayed.BodyConsumed = Math.Max(relayed.BodyConsumed, requestBody.PayloadBytes);
            request.BytesFromClient = requestBody.PayloadBytes;
            if (sent != BodyRelayEnd.Complete)
            {
                relayed.CloseConnection = true;
                relayed.MalformedBody = requestBody.IsMalformed;
                return sent == BodyRelayEnd.DestinationFailed
                    ? Fail(UpstreamOutcomeKind.UpstreamError, start, relayed, repeatable: false, connection)
                    : Fail(sent == BodyRelayEnd.TimedOut ? UpstreamOutcomeKind.UpstreamTimeout : UpstreamOutcomeKind.ClientAborted, start, relayed, repeatable: false, connection);
            }

            bodySent = requestBody.PayloadBytes;
            buffered = 0;
            relayed.BodyDone = true;
        }

        // The response head (interim 1xx answers skipped), within the response timeout.
        UpstreamResponseHead head = client.ResponseHead;
        RelayReadBuffer upstreamReader = connection.Reader;
        CancellationToken firstByte = deadline.Arm(_options.ResponseTimeout);
        try
        {
            while (true)
            {
                HttpHeadParseStatus parsed = head.Parse(upstreamReader.Span, _options.MaxHeaderBytes, relayed.IsHead);
                if (parsed == HttpHeadParseStatus.Complete && head.Status is >= 100 and < 200 and not 101)
                {
                    upstreamReader.Consume(head.Length);
                    continue;
                }

                if (parsed == HttpHeadParseStatus.Complete)
                {
                    if (head.Status == 101)
                    {
                        return Fail(UpstreamOutcomeKind.UpstreamProtocolError, start, relayed, relayed.BodyConsumed == 0, connection);
                    }

                    break;
                }

                if (parsed != HttpHeadParseStatus.Incomplete)
                {
                    return Fail(UpstreamOutcomeKind.UpstreamProtocolError, start, relayed, relayed.BodyConsumed == 0, connection);
                }

                int read = await upstreamReader.FillAsync(firstByte).ConfigureAwait(false);
                if (read == 0)
                {
                    return upstreamReader.Count == 0
                        ? FailedBeforeAnswer(reused, relayed, start, connection)
                        : Fail(UpstreamOutcomeKind.UpstreamError, start, relayed, relayed.BodyConsumed == 0, connection);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                connection.Dispose();
                throw new OperationCanceledException(cancellationToken);
            }

            return deadline.Expired
                ? Fail(UpstreamOutcomeKind.UpstreamTimeout, start, relayed, relayed.BodyConsumed == 0, connection)
                : FailedBeforeAnswer(reused, relayed, start, connection);
        }
        finally
        {
            deadline.Disarm();
        }

        TimeSpan latency = timeProvider.GetElapsedTime(start);

        // Whose answer this is, judged as on the forwarded path: an upstream's own 407 or explained 5xx is held back.
        bool suspect;
        if (tunnelled)
        {
            suspect = ForwardExchange.TunnelledAnswerAccusesTarget(head.Status);
        }
        else if (head.Status is 407 or 502 or 503 or 504)
        {
            using HttpResponseMessage message = head.ToMessage(upstreamReader.Span[..head.Length]);
            ResponseVerdict verdict = forward.Judge(request, upstream, message, out suspect);
            if (verdict.IsHeldBack)
            {
                connection.Dispose();
                return new Attempt(new AttemptResult(verdict.Kind, verdict.Evidence, latency, relayed.BodyConsumed, Reason: verdict.Reason,
                    Repeatable: relayed.BodyConsumed == 0));
            }
        }
        else
        {
            suspect = false;
        }

        BanBodyInspector? inspector = null;
        if (banDetector is not null && banDetector.Judges(head.Status))
        {
            using HttpResponseMessage message = head.ToMessage(upstreamReader.Span[..head.Length]);
            inspector = banDetector.Inspect(request.TargetHost, upstream, message);
        }

        // Before the head goes out: a sticky session must be bound by the time the client can send its next request.
        try
        {
            await forward.CommitAsync(request, upstream, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        if (buffered > 0)
        {
            clientReader.Consume(buffered);
            relayed.BodyConsumed += buffered;
            bodySent = requestBody.PayloadBytes;
        }

        relayed.BodyDone = true;

        request.BytesFromClient = bodySent;
        bool closeClient = relayed.ClientCloses || head.Framing == BodyFraming.UntilClose;
        writer.ResetWrittenCount();
        head.WriteForClient(upstreamReader.Span[..head.Length], writer, closeClient, client.ExposedHeaders(request, upstream));
        upstreamReader.Consume(head.Length);
        BodyScanner responseBody = client.ResponseBody;
        responseBody.Reset(head.Framing, head.ContentLength);
        int first = 0;
        if (upstreamReader.Count > 0)
        {
            first = responseBody.Scan(upstreamReader.Span, inspector);
            if (first < 0)
            {
                return Fail(UpstreamOutcomeKind.UpstreamProtocolError, start, relayed, repeatable: false, connection);
            }
        }

        relayed.ResponseStarted = true;
        request.ResponseStatus = head.Status;
        relayed.CloseConnection |= closeClient;
        try
        {
            // The head and the body bytes already read leave in one send (a small body copied behind the head, a large one gathered).
            if (first <= CoalescedBodyBytes)
            {
                writer.Write(upstreamReader.Span[..first]);
                await client.Stream.WriteAsync(writer.WrittenMemory, deadline.Arm(_options.IdleTimeout)).ConfigureAwait(false);
            }
            else
            {
                await client.SendGatheredAsync(writer.WrittenMemory, upstreamReader.Memory[..first], deadline.Arm(_options.IdleTimeout)).ConfigureAwait(false);
            }

            upstreamReader.Consume(first);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            relayed.CloseConnection = true;
            return Delivered(UpstreamOutcomeKind.ClientAborted, latency, bodySent, responseBody, connection);
        }
        finally
        {
            deadline.Disarm();
        }

        BodyRelayEnd end = responseBody.IsComplete
            ? BodyRelayEnd.Complete
            : await BodyRelay.RelayAsync(upstreamReader, client.Stream, responseBody, inspector, deadline, _options.IdleTimeout).ConfigureAwait(false);
        if (end != BodyRelayEnd.Complete)
        {
            relayed.CloseConnection = true;
            UpstreamOutcomeKind kind = end switch
            {
                BodyRelayEnd.DestinationFailed => UpstreamOutcomeKind.ClientAborted,
                BodyRelayEnd.TimedOut => UpstreamOutcomeKind.UpstreamTimeout,
                _ => UpstreamOutcomeKind.UpstreamError,
            };
            return Delivered(kind, latency, bodySent, responseBody, connection);
        }

        if (head.KeepAlive && upstreamReader.Count == 0)
        {
            pool.Return(key, connection);
        }
        else
        {
            connection.Dispose();
        }

        return new Attempt(suspect
            ? new AttemptResult(UpstreamOutcomeKind.TargetError, tunnelled ? FailureEvidence.Target : FailureEvidence.Unknown, latency, bodySent,
                responseBody.PayloadBytes, Delivered: true)
            : AttemptResult.Succeeded(latency, bodySent, responseBody.PayloadBytes));
    }

    /// <summary>
    /// The request line and headers for the upstream: the client's headers in order, less the proxy's own and the
    /// hop-by-hop ones (as <see cref="ForwardingTransformer"/> strips them), Host from the target, and the upstream's
    /// credentials when it reads the request itself (absolute form).
    /// </summary>
    private static void WriteRequestHead(ArrayBufferWriter<byte> writer, GatewayRequest request, RelayedHttpRequest relayed, bool tunnelled, string? proxyAuthorization)
    {
        HttpRequestHead head = relayed.Head;
        WriteAscii(writer, head.Method);
        writer.Write(" "u8);
        Uri? dial = request.DialUri;
        WriteAscii(writer, tunnelled ? relayed.OriginForm : ReferenceEquals(dial, request.TargetUri) || dial is null ? head.Target : dial.AbsoluteUri);
        writer.Write(" HTTP/1.1\r\nHost: "u8);
        WriteAscii(writer, relayed.Authority);
        writer.Write("\r\n"u8);
        foreach ((string name, string value) in head.Headers)
        {
            if (IsNotForwarded(name, head))
            {
                continue;
            }

            WriteAscii(writer, name);
            writer.Write(": "u8);
            WriteAscii(writer, value);
            writer.Write("\r\n"u8);
        }

        if (proxyAuthorization is not null)
        {
            writer.Write("Proxy-Authorization: "u8);
            WriteAscii(writer, proxyAuthorization);
            writer.Write("\r\n"u8);
        }

        writer.Write("\r\n"u8);
    }

    private static bool IsNotForwarded(string name, HttpRequestHead head)
    {
        if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (string stripped in ForwardingTransformer.AlwaysStripped)
        {
            if (name.Equals(stripped, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        // Headers the client named in Connection are hop-by-hop too (RFC 9110 §7.6.1).
        foreach ((string header, string value) in head.Headers)
        {
            if (header.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                foreach (Range token in value.AsSpan().Split(','))
                {
                    if (value.AsSpan()[token].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static void WriteAscii(ArrayBufferWriter<byte> writer, string text)
    {
        Span<byte> span = writer.GetSpan(text.Length);
        writer.Advance(Encoding.Latin1.GetBytes(text, span));
    }

    /// <summary>The connection failed before any answer: a stale pooled connection when it was reused and the request can go again.</summary>
    private Attempt FailedBeforeAnswer(bool reused, RelayedHttpRequest relayed, long start, UpstreamHttpConnection connection)
    {
        if (reused && relayed.BodyConsumed == 0)
        {
            return new Attempt(default, Stale: true);
        }

        return Fail(UpstreamOutcomeKind.UpstreamError, start, relayed, relayed.BodyConsumed == 0, connection);
    }

    private Attempt Fail(UpstreamOutcomeKind kind, long start, RelayedHttpRequest relayed, bool repeatable, UpstreamHttpConnection? connection = null)
    {
        connection?.Dispose();
        return new Attempt(new AttemptResult(kind, AfterTheRequestWentOut(kind), timeProvider.GetElapsedTime(start), relayed.BodyConsumed, Repeatable: repeatable));
    }

    /// <summary>
    /// An answer that broke after part of it reached the client: no second upstream can be asked, so it is charged at
    /// once (else an upstream that cuts every answer short keeps its traffic until its next health check).
    /// </summary>
    private static Attempt Delivered(UpstreamOutcomeKind kind, TimeSpan latency, long bodySent, BodyScanner responseBody, UpstreamHttpConnection connection)
    {
        connection.Dispose();
        return new Attempt(new AttemptResult(kind, FailureEvidence.Upstream, latency, bodySent, responseBody.PayloadBytes, Delivered: true, Repeatable: false));
    }

    /// <summary>
    /// Whose fault a failure of the exchange is, once the request was on its way through a connected upstream and
    /// before any of the answer reached the client. No answer in time a target causes too (a tarpit, or a merely slow
    /// site, would otherwise get every upstream that carries a request to it quarantined): charged once another
    /// upstream serves the target (<see cref="FailureEvidence.UpstreamUnconfirmed"/>). A close or a broken head stays
    /// the upstream's: counting those as unconfirmed too let an upstream that resets mid-answer keep its traffic in the
    /// soak benchmark (about 300 cut answers a minute instead of 5), for a reason not found yet.
    /// </summary>
    private static FailureEvidence AfterTheRequestWentOut(UpstreamOutcomeKind kind) =>
        kind == UpstreamOutcomeKind.UpstreamTimeout ? FailureEvidence.UpstreamUnconfirmed : FailureEvidence.Upstream;

    /// <summary>An attempt's result, or "stale": the pooled connection was closed under it, try a fresh one.</summary>
    private readonly record struct Attempt(AttemptResult Result, bool Stale = false);
}
