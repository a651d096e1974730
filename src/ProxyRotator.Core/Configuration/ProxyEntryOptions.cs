using ProxyRotator.Core.Pool;

namespace ProxyRotator.Core.Configuration;

/// <summary>One static upstream: a URL string, or an object with tags that override the pool's.</summary>
public sealed class ProxyEntryOptions
{
    public required UpstreamEndpoint Endpoint { get; set; }

    /// <summary>Null means the pool's type.</summary>
    public UpstreamType? Type { get; set; }
    public string? Country { get; set; }
    public string? City { get; set; }

    /// <summary>Set for <c>"kind": "backconnect"</c> (a vendor gateway), null for a static proxy.</summary>
    public BackconnectOptions? Backconnect { get; set; }

    public UpstreamKind Kind => Backconnect is null ? UpstreamKind.Static : UpstreamKind.Backconnect;

    /// <summary>Null means the pool's cost.</summary>
    public UpstreamCost? Cost { get; set; }

    /// <summary>
    /// The upstream shares the gateway's host or network (<c>"local": true</c>): the gateway resolves target names
    /// itself and checks them against the target policy. Loopback, private and link-local upstream addresses count
    /// as local without it.
    /// </summary>
    public bool Local { get; set; }
}
