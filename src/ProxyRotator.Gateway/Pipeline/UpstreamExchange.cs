using ProxyRotator.Core.Pool;

namespace ProxyRotator.Gateway.Pipeline;

/// <summary>
/// One attempt through one upstream, for one kind of exchange: forwarding an HTTP request (<see cref="ForwardExchange"/>)
/// or opening a tunnel (<see cref="TunnelExchange"/>). The failover loop picks the upstream, counts its load,
/// decides blame and reports outcomes; the exchange only talks to the upstream and says how that went.
/// </summary>
internal abstract class UpstreamExchange
{
    /// <summary>Talks to <paramref name="upstream"/>; on success a sticky session is bound before anything reaches the client.</summary>
    public abstract ValueTask<AttemptResult> TryAsync(GatewayRequest request, UpstreamProxy upstream, CancellationToken cancellationToken);
}
