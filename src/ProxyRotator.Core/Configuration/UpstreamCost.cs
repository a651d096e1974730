namespace ProxyRotator.Core.Configuration;

/// <summary>
/// What traffic through an upstream (or a pool's upstreams) costs, in the operator's currency: per GB
/// (10^9 bytes, both directions) and/or per request. Null parts cost nothing.
/// </summary>
public sealed record UpstreamCost(decimal? PerGb, decimal? PerRequest)
{
    /// <summary>The size of the reference request that puts per-GB and per-request prices on one scale: 1 MB.</summary>
    public const long ReferenceRequestBytes = 1_000_000;

    private const decimal BytesPerGb = 1_000_000_000m;

    /// <summary>
    /// The cost of one reference request (<see cref="ReferenceRequestBytes"/> moved): what the selector's cost tiers
    /// are ordered by, so a per-GB price and a per-request price compare.
    /// </summary>
    public decimal ReferenceRequestCost => (PerRequest ?? 0m) + ((PerGb ?? 0m) * ReferenceRequestBytes / BytesPerGb);

    /// <summary>What one request that moved <paramref name="bytes"/> (both directions) cost.</summary>
    public decimal Of(long bytes) => (PerRequest ?? 0m) + ((PerGb ?? 0m) * Math.Max(0, bytes) / BytesPerGb);
}
