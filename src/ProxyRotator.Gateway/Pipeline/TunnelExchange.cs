using System.Runtime.CompilerServices;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Upstreams;
using ProxyRotator.Gateway.Routing;

namespace ProxyRotator.Gateway.Pipeline;

/// <summary>
/// Opens a raw tunnel to the request's target through one upstream (CONNECT and SOCKS5 clients), or, for a SOCKS5 UDP
/// ASSOCIATE, the upstream's own UDP association.
/// </summary>
internal sealed class TunnelExchange(UpstreamConnector connector, UpstreamRouter router, TimeProvider timeProvider) : UpstreamExchange
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<AttemptResult> TryAsync(GatewayRequest request, UpstreamProxy upstream, CancellationToken cancellationToken)
    {
        long start = timeProvider.GetTimestamp();
        UpstreamConnection connection;
        UpstreamUdpAssociation? association = null;
        try
        {
            if (request.IsUdpAssociate)
            {
                if (upstream.Endpoint.Scheme != UpstreamScheme.Socks5)
                {
                    // A provider imported a non-SOCKS5 upstream into a "udp" pool: it cannot carry UDP.
                    return new AttemptResult(UpstreamOutcomeKind.UpstreamProtocolError, FailureEvidence.Upstream, TimeSpan.Zero, Reason: "not a SOCKS5 upstream");
                }

                association = await connector.UdpAssociateAsync(upstream, cancellationToken).ConfigureAwait(false);
                connection = association.Control;
            }
            else
            {
                connection = request.UpstreamCredentials is { } credentials
                    ? await connector.ConnectAsync(upstream, request.DialHost, request.TargetPort, credentials, cancellationToken).ConfigureAwait(false)
                    : await connector.ConnectAsync(upstream, request.DialHost, request.TargetPort, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (UpstreamConnectException ex)
        {
            return new AttemptResult(ex.Kind, ex.Evidence, timeProvider.GetElapsedTime(start), Reason: ex.Reason, SocksReply: (byte)ex.SocksReply);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            return new AttemptResult(UpstreamOutcomeKind.UpstreamConnectFailed, FailureEvidence.Upstream, timeProvider.GetElapsedTime(start));
        }

        try
        {
            await router.CommitAsync(request.Route!, upstream, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        request.Tunnel = connection;
        request.UdpAssociation = association;
        return AttemptResult.Succeeded(timeProvider.GetElapsedTime(start));
    }
}
