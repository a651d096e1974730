using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Gateway.Diagnostics;
using ProxyRotator.Gateway.Protocols;
using ProxyRotator.Gateway.Relay;
using ProxyRotator.Gateway.Routing;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.Gateway.Http;

/// <summary>
/// Serves an HTTP <c>CONNECT</c> whose head was parsed by the gateway: authenticate, check the target, dial
/// through an upstream with failover, answer <c>200</c> and relay until either side ends.
/// </summary>
public sealed class ConnectTunnelHandler(
    ClientAdmission admission,
    TargetPolicy targetPolicy,
    UpstreamRouter router,
    TunnelDialer dialer,
    TunnelRelay relay,
    ProxyRotatorConfig config,
    GatewayMetrics metrics,
    ILogger<ConnectTunnelHandler> logger)
{
    public async Task HandleAsync(ConnectionContext connection, HttpRequestHead head, CancellationToken cancellationToken)
    {
        System.IO.Pipelines.PipeWriter output = connection.Transport.Output;
        if (!HttpRequestHead.TryParseAuthority(head.Target, out string host, out int port))
        {
            await RefuseAsync(output, 400, GatewayErrorCode.BadRequest, "CONNECT needs host:port", cancellationToken).ConfigureAwait(false);
            return;
        }

        AdmissionResult admitted = admission.AdmitBasic(head.Get("Proxy-Authorization"), (connection.RemoteEndPoint as System.Net.IPEndPoint)?.Address);
        if (!admitted.IsAdmitted)
        {
            admission.LogRefused(admitted, "CONNECT", connection.RemoteEndPoint);
            (int status, string code) = admitted.HttpAnswer;
            metrics.RecordRequest(null, code);
            await RawHttpAnswers.WriteErrorAsync(output, status, code, admitted.Message, cancellationToken, status == 429 ? admitted.RetryAfterSeconds : null).ConfigureAwait(false);
            return;
        }

        TargetDecision decision = targetPolicy.Evaluate(host, port);
        if (!decision.IsAllowed)
        {
            GatewayLog.TargetRefused(logger, host, port);
            await RefuseAsync(output, 403, GatewayErrorCode.TargetForbidden, decision.Message, cancellationToken).ConfigureAwait(false);
            return;
        }

        using UpstreamRoute route = await router.BeginAsync(admitted, cancellationToken).ConfigureAwait(false);
        TunnelDial dial = await dialer.DialAsync(route, host, port, cancellationToken).ConfigureAwait(false);
        if (dial.Connection is not { } upstream || dial.Upstream is null)
        {
            GatewayAnswer answer = dial.Outcome.Answer;
            await RawHttpAnswers.WriteErrorAsync(output, answer.StatusCode, answer.ErrorCode, answer.Message, cancellationToken).ConfigureAwait(false);
            return;
        }

        RelayResult result = default;
        await using (upstream.ConfigureAwait(false))
        {
            try
            {
                bool expose = config.Gateway.ExposeUpstreamHeaders;
                await RawHttpAnswers.WriteConnectEstablishedAsync(output, expose ? dial.Upstream.Id : null, expose ? route.SessionId : null, cancellationToken).ConfigureAwait(false);
                result = await relay.RunAsync(connection.Transport, upstream.Stream, upstream.Socket, config.Gateway.IdleTimeout, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                dialer.Complete(dial, result);
            }
        }
    }

    /// <summary>Answers a client refused before any dial, counting it as a failed request (dial failures are counted by the dialer).</summary>
    private ValueTask RefuseAsync(System.IO.Pipelines.PipeWriter output, int status, string code, string message, CancellationToken cancellationToken)
    {
        metrics.RecordRequest(null, code);
        return RawHttpAnswers.WriteErrorAsync(output, status, code, message, cancellationToken);
    }
}
