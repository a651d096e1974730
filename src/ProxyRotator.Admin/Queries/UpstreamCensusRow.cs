using ProxyRotator.Core.Pool;

namespace ProxyRotator.Admin.Queries;

/// <summary>How many upstreams of one pool share a status, type and (effective) country.</summary>
public sealed record UpstreamCensusRow(string Pool, UpstreamStatus Status, UpstreamType Type, string? Country, int Count);
