namespace ProxyRotator.Core.Configuration;

/// <summary><c>geoip</c>: MaxMind databases (Country or City; optional Connection-Type).</summary>
public sealed class GeoIpOptions
{
    public string? CountryDb { get; set; }
    public string? ConnectionTypeDb { get; set; }
}
