using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Gateway.Pipeline;
using ProxyRotator.Gateway.Protocols;
using ProxyRotator.Gateway.Relay;

namespace ProxyRotator.Gateway.Http;

/// <summary>
/// The HTTP <c>CONNECT</c> front end, for a head the gateway parsed itself: it translates the head into a
/// <see cref="GatewayRequest"/>, lets the <see cref="RequestPipeline"/> open the tunnel, then answers <c>200</c> and
/// relays until either side ends, or renders the pipeline's answer as an HTTP error.
/// </summary>
public sealed class ConnectTunnelHandler(
    RequestPipeline pipeline,
    TunnelRelay relay,
    ProxyRotatorConfig config,
    GatewayMetrics metrics)
{
    public async Task HandleAsync(ConnectionContext connection, HttpRequestHead head, CancellationToken cancellationToken)
    {
        PipeWriter output = connection.Transport.Output;
        if (!HttpRequestHead.TryParseAuthority(head.Target, out string host, out int port))
        {
            metrics.RecordRequest(null, GatewayErrorCode.BadRequest);
            await RenderAsync(output, GatewayAnswer.BadRequest("CONNECT needs host:port"), cancellationToken).ConfigureAwait(false);
            return;
        }

        GatewayRequest request = pipeline.CreateTunnelRequest(GatewayProtocol.Connect, connection.RemoteEndPoint as IPEndPoint);
        try
        {
            pipeline.SetTarget(request, host, port);
            GatewayAnswer? answer = pipeline.Admit(request, ClientCredentials.Basic(head.Get("Proxy-Authorization")));
            answer ??= await pipeline.RunAsync(request, cancellationToken).ConfigureAwait(false);
            if (answer is { } refused)
            {
                await RenderAsync(output, refused, cancellationToken).ConfigureAwait(false);
                return;
            }

            Core.Upstreams.UpstreamConnection tunnel = request.Tunnel!;
            await using (tunnel.ConfigureAwait(false))
            {
                RelayResult result = default;
                try
                {
                    bool expose = config.Gateway.ExposeUpstreamHeaders;
                    await RawHttpAnswers.WriteConnectEstablishedAsync(connection.Transport, expose ? request.Upstream!.Id : null, expose ? request.Route!.SessionHeaderValue : null, cancellationToken).ConfigureAwait(false);
                    result = await relay.RunAsync(connection.Transport, tunnel.Stream, tunnel.Socket, config.Gateway.IdleTimeout, cancellationToken, request.TunnelMeter).ConfigureAwait(false);
                }
                finally
                {
                    pipeline.TunnelEnded(request, result);
                }
            }
        }
        finally
        {
            pipeline.Complete(request);
        }
    }

    private static ValueTask RenderAsync(PipeWriter output, GatewayAnswer answer, CancellationToken cancellationToken) =>
        RawHttpAnswers.WriteErrorAsync(output, answer.StatusCode, answer.ErrorCode, answer.Message, cancellationToken,
            answer.RetryAfterSeconds > 0 ? answer.RetryAfterSeconds : null);
}
