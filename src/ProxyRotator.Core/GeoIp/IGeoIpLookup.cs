using System.Net;

namespace ProxyRotator.Core.GeoIp;

/// <summary>Offline GeoIP answers for exit addresses (health verification, <c>geoip lookup</c>).</summary>
public interface IGeoIpLookup
{
    /// <summary>A Country, City or Enterprise database is open.</summary>
    bool HasCountryDatabase { get; }

    /// <summary>A Connection-Type database is open.</summary>
    bool HasConnectionTypeDatabase { get; }

    GeoIpResult Lookup(IPAddress address);
}
