using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Gateway.Diagnostics;
using ProxyRotator.Gateway.Relay;
using ProxyRotator.Gateway.Routing;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.Gateway.Socks;

/// <summary>
/// The gateway's SOCKS5 server (RFC 1928 CONNECT, RFC 1929 username/password only): handshake under the
/// head timeout, then the same routing, failover and relay as HTTP CONNECT.
/// </summary>
public sealed class Socks5ConnectionHandler(
    ClientAdmission admission,
    TargetPolicy targetPolicy,
    UpstreamRouter router,
    TunnelDialer dialer,
    TunnelRelay relay,
    ProxyRotatorConfig config,
    GatewayMetrics metrics,
    ILogger<Socks5ConnectionHandler> logger)
{
    private delegate bool MessageParser(in ReadOnlySequence<byte> buffer, out long consumed);

    /// <param name="handshakeToken">Cancelled when the client is too slow with its handshake.</param>
    /// <param name="connectionToken">Cancelled when the connection closes.</param>
    public async Task HandleAsync(ConnectionContext connection, CancellationToken handshakeToken, CancellationToken connectionToken)
    {
        PipeReader input = connection.Transport.Input;
        PipeWriter output = connection.Transport.Output;

        bool offersUserPassword = false;
        string? error = null;
        if (!await ReadMessageAsync(input, (in ReadOnlySequence<byte> b, out long c) => Socks5Parser.TryParseGreeting(b, out c, out offersUserPassword, out error), handshakeToken).ConfigureAwait(false))
        {
            return;
        }

        if (!offersUserPassword)
        {
            await WriteAsync(output, [Socks5Constants.Version, Socks5Constants.MethodNoAcceptable], connectionToken).ConfigureAwait(false);
            return;
        }

        await WriteAsync(output, [Socks5Constants.Version, Socks5Constants.MethodUsernamePassword], connectionToken).ConfigureAwait(false);

        byte[] username = [], password = [];
        if (!await ReadMessageAsync(input, (in ReadOnlySequence<byte> b, out long c) => Socks5Parser.TryParseCredentials(b, out c, out username, out password, out error), handshakeToken).ConfigureAwait(false))
        {
            return;
        }

        AdmissionResult admitted = error is null ? admission.AdmitUtf8(username, password, (connection.RemoteEndPoint as System.Net.IPEndPoint)?.Address) : AdmissionResult.Refused(AuthenticationFailure.BadCredentials);
        if (!admitted.IsAdmitted)
        {
            admission.LogRefused(admitted, "SOCKS5", connection.RemoteEndPoint);
            metrics.RecordRequest(null, admitted.HttpAnswer.ErrorCode);
            await WriteAsync(output, [Socks5Constants.AuthVersion, Socks5Constants.AuthFailed], connectionToken).ConfigureAwait(false);
            return;
        }

        await WriteAsync(output, [Socks5Constants.AuthVersion, Socks5Constants.AuthSucceeded], connectionToken).ConfigureAwait(false);

        Socks5Request request = default;
        if (!await ReadMessageAsync(input, (in ReadOnlySequence<byte> b, out long c) => Socks5Parser.TryParseRequest(b, out c, out request, out error), handshakeToken).ConfigureAwait(false))
        {
            return;
        }

        if (error is not null)
        {
            await RefuseAsync(output, Socks5Constants.ReplyGeneralFailure, GatewayErrorCode.BadRequest, connectionToken).ConfigureAwait(false);
            return;
        }

        if (request.Host.Length == 0)
        {
            await RefuseAsync(output, Socks5Constants.ReplyAddressTypeNotSupported, GatewayErrorCode.BadRequest, connectionToken).ConfigureAwait(false);
            return;
        }

        if (request.Command != Socks5Constants.CommandConnect)
        {
            await RefuseAsync(output, Socks5Constants.ReplyCommandNotSupported, GatewayErrorCode.BadRequest, connectionToken).ConfigureAwait(false);
            return;
        }

        if (!targetPolicy.Evaluate(request.Host, request.Port).IsAllowed)
        {
            GatewayLog.TargetRefused(logger, request.Host, request.Port);
            await RefuseAsync(output, Socks5Constants.ReplyNotAllowed, GatewayErrorCode.TargetForbidden, connectionToken).ConfigureAwait(false);
            return;
        }

        using UpstreamRoute route = await router.BeginAsync(admitted, connectionToken).ConfigureAwait(false);
        TunnelDial dial = await dialer.DialAsync(route, request.Host, request.Port, connectionToken).ConfigureAwait(false);
        if (dial.Connection is not { } upstream)
        {
            await ReplyAsync(output, dial.Outcome.Answer.SocksReply, connectionToken).ConfigureAwait(false);
            return;
        }

        RelayResult result = default;
        await using (upstream.ConfigureAwait(false))
        {
            try
            {
                await ReplyAsync(output, Socks5Constants.ReplySucceeded, connectionToken).ConfigureAwait(false);
                result = await relay.RunAsync(connection.Transport, upstream.Stream, upstream.Socket, config.Gateway.IdleTimeout, connectionToken).ConfigureAwait(false);
            }
            finally
            {
                dialer.Complete(dial, result);
            }
        }
    }

    private static async ValueTask<bool> ReadMessageAsync(PipeReader input, MessageParser parse, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (parse(buffer, out long consumed))
            {
                input.AdvanceTo(buffer.GetPosition(consumed));
                return true;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled || buffer.Length > 1024)
            {
                return false;
            }
        }
    }

    // BND.ADDR/BND.PORT are 0.0.0.0:0: the upstream's own bound address is not the client's business.
    /// <summary>Replies to a request refused before any dial, counting it as a failed request (dial failures are counted by the dialer).</summary>
    private ValueTask RefuseAsync(PipeWriter output, byte reply, string errorCode, CancellationToken cancellationToken)
    {
        metrics.RecordRequest(null, errorCode);
        return ReplyAsync(output, reply, cancellationToken);
    }

    private static ValueTask ReplyAsync(PipeWriter output, byte reply, CancellationToken cancellationToken) =>
        WriteAsync(output, [Socks5Constants.Version, reply, 0x00, Socks5Constants.AddressIPv4, 0, 0, 0, 0, 0, 0], cancellationToken);

    private static async ValueTask WriteAsync(PipeWriter output, byte[] bytes, CancellationToken cancellationToken) =>
        await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
}
