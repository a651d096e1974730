using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Diagnostics;
using ProxyRotator.Gateway.Http;
using ProxyRotator.Gateway.Protocols;
using ProxyRotator.Gateway.Socks;

namespace ProxyRotator.Gateway.Listening;

/// <summary>
/// Kestrel connection middleware on every gateway listener. It peeks at the first bytes without consuming
/// them: <c>0x05</c> is a SOCKS5 client and <c>CONNECT </c> a tunnel request, both served here over the
/// transport pipes; anything else goes on to Kestrel's HTTP/1.1 parser (absolute-form requests) through a
/// <see cref="StrictHttp1Reader"/>, so every head on the connection passes the gateway's strict parser first.
/// With <c>gateway.tls</c>, <c>0x16</c> (a TLS handshake record) starts TLS; the decrypted stream then replaces the
/// connection's transport and its first bytes are sniffed again, so all three protocols work inside TLS.
/// </summary>
public sealed class GatewayConnectionMiddleware
{
    private static ReadOnlySpan<byte> ConnectPrefix => "CONNECT "u8;

    /// <summary>The content type of a TLS handshake record: every TLS client's first byte.</summary>
    private const byte TlsHandshakeRecord = 0x16;

    /// <summary>How long a refused client may go on sending before the connection closes.</summary>
    private static readonly TimeSpan LingerTime = TimeSpan.FromSeconds(1);

    private readonly ConnectionDelegate _next;
    private readonly GatewayConnectionLimiter _limiter;
    private readonly ConnectTunnelHandler _connect;
    private readonly Socks5ConnectionHandler _socks;
    private readonly GatewayOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly GatewayCertificateSource? _certificates;

    public GatewayConnectionMiddleware(ConnectionDelegate next, IServiceProvider services)
    {
        _next = next;
        _limiter = services.GetRequiredService<GatewayConnectionLimiter>();
        _connect = services.GetRequiredService<ConnectTunnelHandler>();
        _socks = services.GetRequiredService<Socks5ConnectionHandler>();
        _options = services.GetRequiredService<ProxyRotatorConfig>().Gateway;
        _timeProvider = services.GetRequiredService<TimeProvider>();
        _logger = services.GetRequiredService<ILogger<GatewayConnectionMiddleware>>();
        _certificates = services.GetService<GatewayCertificateSource>();
    }

    private sealed class PipeTransport(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    private enum FirstBytes
    {
        None,
        Socks5,
        Connect,
        Http,
        Tls,
    }

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        if (!_limiter.TryAcquire(accepted: connection.Features.Get<RelayHandOffFeature>() is null))
        {
            GatewayLog.ConnectionLimitReached(_logger, connection.ConnectionId, _limiter.Limit);
            connection.Abort(new ConnectionAbortedException("gateway connection limit reached"));
            return;
        }

        try
        {
            connection.Features.Set(GatewayConnectionFeature.Instance);
            await RouteAsync(connection).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client went away or was too slow; closing the connection is the answer.
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ConnectionAbortedException or InvalidOperationException)
        {
            GatewayLog.ConnectionFailed(_logger, connection.ConnectionId, ex);
        }
        finally
        {
            _limiter.Release();
        }
    }

    private async Task RouteAsync(ConnectionContext connection, bool encrypted = false)
    {
        PipeReader input = connection.Transport.Input;
        using var headTimeout = new CancellationTokenSource(_options.HeaderTimeout, _timeProvider);
        using var headOrClose = CancellationTokenSource.CreateLinkedTokenSource(headTimeout.Token, connection.ConnectionClosed);

        FirstBytes kind;
        try
        {
            kind = await SniffAsync(input, headOrClose.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (headTimeout.IsCancellationRequested)
        {
            GatewayLog.HeadTimedOut(_logger, connection.ConnectionId);
            return;
        }

        if (kind == FirstBytes.Tls)
        {
            if (_certificates is null || encrypted)
            {
                // No TLS here (or TLS inside TLS): the strict HTTP parser refuses it as a malformed head.
                kind = FirstBytes.Http;
            }
            else
            {
                await ServeTlsAsync(connection, _certificates, headTimeout, headOrClose.Token).ConfigureAwait(false);
                return;
            }
        }

        if (!encrypted && kind != FirstBytes.None && _certificates is { PlaintextAuth: false })
        {
            await RefusePlaintextAsync(connection, kind, headOrClose.Token).ConfigureAwait(false);
            return;
        }

        switch (kind)
        {
            case FirstBytes.Socks5:
                try
                {
                    await _socks.HandleAsync(connection, headOrClose.Token, connection.ConnectionClosed).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (headTimeout.IsCancellationRequested)
                {
                    GatewayLog.HeadTimedOut(_logger, connection.ConnectionId);
                }

                break;
            case FirstBytes.Connect:
                HttpRequestHead? head;
                try
                {
                    head = await ReadConnectHeadAsync(connection, headOrClose.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (headTimeout.IsCancellationRequested)
                {
                    GatewayLog.HeadTimedOut(_logger, connection.ConnectionId);
                    return;
                }

                if (head is not null)
                {
                    await _connect.HandleAsync(connection, head, connection.ConnectionClosed).ConfigureAwait(false);
                }

                break;
            case FirstBytes.Http:
                // Kestrel parses absolute-form requests, but only heads our strict parser accepted reach it.
                IDuplexPipe transport = connection.Transport;
                connection.Transport = new PipeTransport(
                    new StrictHttp1Reader(transport.Input, transport.Output, _options.MaxHeaderBytes, reason => GatewayLog.HeadRefused(_logger, connection.ConnectionId, reason)),
                    transport.Output);
                await _next(connection).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>
    /// Completes the TLS handshake (within the head timeout), then routes the decrypted stream as a new connection
    /// transport; the original transport is put back when the connection ends.
    /// </summary>
    private async Task ServeTlsAsync(ConnectionContext connection, GatewayCertificateSource certificates, CancellationTokenSource headTimeout, CancellationToken cancellationToken)
    {
        IDuplexPipe original = connection.Transport;
        var tls = new SslStream(new DuplexPipeStream(original), leaveInnerStreamOpen: true);
        await using (tls.ConfigureAwait(false))
        {
            try
            {
                var options = new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = certificates.Current(),
                    ClientCertificateRequired = false,
                };
                await tls.AuthenticateAsServerAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (headTimeout.IsCancellationRequested)
            {
                GatewayLog.HeadTimedOut(_logger, connection.ConnectionId);
                return;
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException)
            {
                GatewayLog.TlsHandshakeFailed(_logger, connection.ConnectionId, ex.Message);
                return;
            }

            PipeReader input = PipeReader.Create(tls, new StreamPipeReaderOptions(leaveOpen: true));
            PipeWriter output = PipeWriter.Create(tls, new StreamPipeWriterOptions(leaveOpen: true));
            connection.Transport = new PipeTransport(input, output);
            try
            {
                await RouteAsync(connection, encrypted: true).ConfigureAwait(false);
            }
            finally
            {
                try
                {
                    await output.CompleteAsync().ConfigureAwait(false);
                    await input.CompleteAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
                {
                    // The client is gone; nothing is left to flush.
                }

                connection.Transport = original;
            }
        }
    }

    /// <summary>
    /// <c>gateway.tls.plaintextAuth: false</c>: a client that does not speak TLS is refused before it sends a password
    /// (SOCKS5: "no acceptable method", so it never sends its credentials; HTTP: 403 <c>tls-required</c>).
    /// </summary>
    private async Task RefusePlaintextAsync(ConnectionContext connection, FirstBytes kind, CancellationToken cancellationToken)
    {
        PipeWriter output = connection.Transport.Output;
        GatewayLog.PlaintextRefused(_logger, connection.ConnectionId, connection.RemoteEndPoint?.ToString(), kind == FirstBytes.Socks5 ? "SOCKS5" : "HTTP");
        if (kind == FirstBytes.Socks5)
        {
            await output.WriteAsync(new byte[] { Socks5Constants.Version, Socks5Constants.MethodNoAcceptable }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await RawHttpAnswers.WriteErrorAsync(
                output,
                403,
                GatewayErrorCode.TlsRequired,
                "this gateway takes credentials only over TLS: use an https:// proxy URL",
                cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await DiscardUnreadAsync(connection.Transport.Input, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // A refused client may reset the connection once it has read the answer; nothing went wrong here.
        }
    }

    // Looks at the first bytes and leaves them unconsumed (examined = start), so whoever reads next sees them.
    private static async Task<FirstBytes> SniffAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.IsEmpty)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return FirstBytes.None;
                }

                continue;
            }

            FirstBytes? kind = Classify(buffer);
            if (kind is { } known)
            {
                input.AdvanceTo(buffer.Start);
                return known;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                return FirstBytes.Http;
            }
        }
    }

    private static FirstBytes? Classify(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> prefix = stackalloc byte[ConnectPrefix.Length];
        int length = (int)Math.Min(buffer.Length, prefix.Length);
        buffer.Slice(0, length).CopyTo(prefix);
        if (prefix[0] == Socks5Constants.Version)
        {
            return FirstBytes.Socks5;
        }

        if (prefix[0] == TlsHandshakeRecord)
        {
            return FirstBytes.Tls;
        }

        if (!ConnectPrefix.StartsWith(prefix[..length]))
        {
            return FirstBytes.Http;
        }

        return length == ConnectPrefix.Length ? FirstBytes.Connect : null;
    }

    /// <summary>
    /// After an error answer to a head that was not read to its end (431): reads and drops what the client is still
    /// sending, for a short while, so the connection closes with a FIN instead of a reset that could destroy the
    /// answer before the client read it.
    /// </summary>
    private async Task DiscardUnreadAsync(PipeReader input, CancellationToken cancellationToken)
    {
        const long MaxDiscardedBytes = 1024 * 1024;
        using var linger = new CancellationTokenSource(LingerTime, _timeProvider);
        using var lingerOrHead = CancellationTokenSource.CreateLinkedTokenSource(linger.Token, cancellationToken);
        long discarded = 0;
        try
        {
            while (discarded < MaxDiscardedBytes)
            {
                ReadResult result = await input.ReadAsync(lingerOrHead.Token).ConfigureAwait(false);
                discarded += result.Buffer.Length;
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Lingered long enough; closing now.
        }
    }

    private async Task<HttpRequestHead?> ReadConnectHeadAsync(ConnectionContext connection, CancellationToken cancellationToken)
    {
        PipeReader input = connection.Transport.Input;
        while (true)
        {
            ReadResult result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            HttpHeadParseStatus status = HttpRequestHeadParser.TryParse(buffer, _options.MaxHeaderBytes, out HttpRequestHead? head, out long consumed, out string? error);
            switch (status)
            {
                case HttpHeadParseStatus.Complete:
                    input.AdvanceTo(buffer.GetPosition(consumed));
                    return head;
                case HttpHeadParseStatus.Incomplete when !result.IsCompleted && !result.IsCanceled:
                    input.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                case HttpHeadParseStatus.Incomplete:
                    input.AdvanceTo(buffer.End);
                    return null;
                default:
                    input.AdvanceTo(buffer.End);
                    GatewayLog.HeadRefused(_logger, connection.ConnectionId, error ?? status.ToString());
                    bool tooLarge = status == HttpHeadParseStatus.TooLarge;
                    await RawHttpAnswers.WriteErrorAsync(
                        connection.Transport.Output,
                        tooLarge ? 431 : 400,
                        tooLarge ? GatewayErrorCode.HeaderTooLarge : GatewayErrorCode.BadRequest,
                        error ?? "malformed request head",
                        connection.ConnectionClosed).ConfigureAwait(false);
                    await DiscardUnreadAsync(input, cancellationToken).ConfigureAwait(false);
                    return null;
            }
        }
    }
}
