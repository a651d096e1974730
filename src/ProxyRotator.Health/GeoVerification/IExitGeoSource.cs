namespace ProxyRotator.Health.GeoVerification;

/// <summary>Looks exit addresses up in the configured GeoIP databases (an in-memory read; no network).</summary>
public interface IExitGeoSource
{
    /// <summary>A Country or City database is configured.</summary>
    bool HasCountryDatabase { get; }

    /// <summary>A Connection-Type database is configured.</summary>
    bool HasConnectionTypeDatabase { get; }

    ExitGeoFacts Lookup(string ip);
}
