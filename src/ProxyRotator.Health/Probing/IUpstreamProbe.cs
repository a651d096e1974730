using ProxyRotator.Core.Pool;

namespace ProxyRotator.Health.Probing;

/// <summary>Checks one upstream by fetching an IP-echo URL through it. Never throws for upstream failures.</summary>
public interface IUpstreamProbe
{
    Task<ProbeResult> ProbeAsync(UpstreamEndpoint endpoint, CancellationToken cancellationToken);
}
