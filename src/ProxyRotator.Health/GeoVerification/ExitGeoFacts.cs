namespace ProxyRotator.Health.GeoVerification;

/// <summary>What the GeoIP databases say about one exit address; null fields are unknown (no database or not found).</summary>
public readonly record struct ExitGeoFacts(string? Country, string? ConnectionType);
