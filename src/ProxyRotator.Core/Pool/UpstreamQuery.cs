using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Core.Pool;

/// <summary>
/// What a pick must satisfy. Also the key of the per-snapshot candidate cache, so keep values canonical
/// (country upper case, city and pool lower case — as <see cref="ProxyUsernameParser"/> produces them).
/// A default <see cref="Access"/> (null) means all pools.
/// </summary>
public readonly record struct UpstreamQuery(
    string? Pool,
    UpstreamType? Type,
    string? Country,
    string? City,
    bool GeoVerifiedOnly,
    PoolAccess Access)
{
    /// <summary>
    /// The targeting has a parameter only backconnect dialects can write (<c>state</c>, <c>asn</c>): static upstreams
    /// cannot honour it, so they do not match.
    /// </summary>
    public bool BackconnectOnly { get; init; }

    /// <summary>A sticky request: static upstreams whose exit rotates (health checks saw it change) cannot hold it.</summary>
    public bool StableExit { get; init; }

    /// <summary>Any eligible upstream in any pool.</summary>
    public static UpstreamQuery Any => new(null, null, null, null, false, PoolAccess.All);

    public static UpstreamQuery From(TargetingParameters parameters, PoolAccess access)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new UpstreamQuery(parameters.Pool, parameters.Type, parameters.Country, parameters.City, parameters.GeoVerifiedOnly, access)
        {
            BackconnectOnly = parameters.State is not null || parameters.Asn is not null,
            StableExit = parameters.IsSticky,
        };
    }
}
