using ProxyRotator.Core.Pool;

namespace ProxyRotator.Health.GeoVerification;

/// <summary>
/// Maps MaxMind connection types to the upstream types they are consistent with: Cellular → mobile, Cable/DSL →
/// residential or isp (static residential IPs are announced as broadband, which is what makes them worth buying),
/// Corporate → datacenter. Satellite counts as residential. Unknown names match nothing and are never flagged.
/// </summary>
public static class ConnectionTypes
{
    public const string Cellular = "Cellular";
    public const string CableDsl = "Cable/DSL";
    public const string Corporate = "Corporate";
    public const string Satellite = "Satellite";

    /// <summary>The upstream types a connection type is consistent with; empty when the name is unknown.</summary>
    public static IReadOnlyList<UpstreamType> CompatibleTypes(string? connectionType) => connectionType switch
    {
        Cellular => [UpstreamType.Mobile],
        CableDsl => [UpstreamType.Residential, UpstreamType.Isp],
        Corporate => [UpstreamType.Datacenter],
        Satellite => [UpstreamType.Residential],
        _ => [],
    };

    /// <summary>The one upstream type a connection type most likely means, for display (<c>Corporate</c> → datacenter).</summary>
    public static UpstreamType? LikelyType(string? connectionType) =>
        CompatibleTypes(connectionType) is [UpstreamType first, ..] ? first : null;
}
