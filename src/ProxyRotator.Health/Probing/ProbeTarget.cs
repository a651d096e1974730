using ProxyRotator.Core.Pool;

namespace ProxyRotator.Health.Probing;

/// <summary>One upstream to probe: its id and how to reach it.</summary>
public sealed record ProbeTarget(long UpstreamId, UpstreamEndpoint Endpoint);
