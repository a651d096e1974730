namespace ProxyRotator.Health.GeoVerification;

/// <summary>Used when no GeoIP database is configured: nothing is verified, nothing is flagged.</summary>
public sealed class NoExitGeoSource : IExitGeoSource
{
    public bool HasCountryDatabase => false;

    public bool HasConnectionTypeDatabase => false;

    public ExitGeoFacts Lookup(string ip) => default;
}
