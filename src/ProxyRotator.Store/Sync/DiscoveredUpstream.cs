using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Store.Sync;

/// <summary>
/// An upstream as a source (the configuration file or a provider API) lists it. Null tags mean "not stated":
/// the pool's type, no declared country or city.
/// </summary>
public sealed record DiscoveredUpstream(UpstreamEndpoint Endpoint, UpstreamType? Type = null, string? Country = null, string? City = null)
{
    /// <summary>Set for a vendor's backconnect gateway: its dialect and countries.</summary>
    public BackconnectOptions? Backconnect { get; init; }

    /// <summary>Its cost (its own, or its pool's); null when not stated.</summary>
    public UpstreamCost? Cost { get; init; }

    /// <summary>
    /// The identity sync matches on: <c>scheme://host:port</c>, and for a backconnect gateway the username too, since
    /// one vendor host serves several accounts and zones.
    /// </summary>
    public string AddressKey => Backconnect is null
        ? Endpoint.Address
        : $"{Endpoint.SchemeName}://{Uri.EscapeDataString(Endpoint.Username ?? string.Empty)}@{Endpoint.Address[(Endpoint.SchemeName.Length + 3)..]}";

    /// <summary>Prints the endpoint masked; the password never appears.</summary>
    public override string ToString() => $"{Endpoint} ({Type?.ToString() ?? "pool type"}, {Country ?? "??"}, {City ?? "-"})";
}
