using ProxyRotator.Core.Pool;

namespace ProxyRotator.Gateway.Routing;

/// <summary>The upstream for the next attempt, or why there is none.</summary>
public readonly record struct PickResult(UpstreamProxy? Upstream, GatewayFailure Failure);
