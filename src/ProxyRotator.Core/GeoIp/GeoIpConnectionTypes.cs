using ProxyRotator.Core.Pool;

namespace ProxyRotator.Core.GeoIp;

/// <summary>
/// MaxMind connection types as upstream types: <c>Cellular</c> is mobile, <c>Corporate</c> (hosting, business
/// lines) is datacenter, consumer lines (<c>Cable/DSL</c>, <c>Satellite</c>, <c>Dialup</c>) are residential.
/// An ISP proxy (datacenter-hosted, residential ASN) usually shows as Cable/DSL, so it verifies as residential.
/// </summary>
public static class GeoIpConnectionTypes
{
    public const string CableDsl = "Cable/DSL";
    public const string Cellular = "Cellular";
    public const string Corporate = "Corporate";
    public const string Satellite = "Satellite";
    public const string Dialup = "Dialup";

    public static UpstreamType? ToUpstreamType(string? connectionType) => connectionType switch
    {
        Cellular => UpstreamType.Mobile,
        Corporate => UpstreamType.Datacenter,
        CableDsl or Satellite or Dialup => UpstreamType.Residential,
        _ => null,
    };

    /// <summary>Whether a declared type agrees with what GeoIP saw; ISP proxies pass as residential lines.</summary>
    public static bool Matches(UpstreamType declared, UpstreamType verified) =>
        declared == verified || (declared == UpstreamType.Isp && verified == UpstreamType.Residential);
}
