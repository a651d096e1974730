namespace ProxyRotator.Core.Configuration;

/// <summary>
/// What traffic through an upstream (or a pool's upstreams) costs, in the operator's currency: per GB
/// (10^9 bytes, both directions) and/or per request. Null parts cost nothing.
/// </summary>
public sealed record UpstreamCost(decimal? PerGb, decimal? PerRequest);
