using ProxyRotator.Core.Pool;

namespace ProxyRotator.Store.Sync;

/// <summary>
/// An upstream as a source (the configuration file or a provider API) lists it. Null tags mean "not stated":
/// the pool's type, no declared country or city.
/// </summary>
public sealed record DiscoveredUpstream(UpstreamEndpoint Endpoint, UpstreamType? Type = null, string? Country = null, string? City = null)
{
    /// <summary>Prints the endpoint masked; the password never appears.</summary>
    public override string ToString() => $"{Endpoint} ({Type?.ToString() ?? "pool type"}, {Country ?? "??"}, {City ?? "-"})";
}
