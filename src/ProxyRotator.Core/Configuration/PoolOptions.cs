using ProxyRotator.Core.Pool;

namespace ProxyRotator.Core.Configuration;

/// <summary>A named pool: static proxies and provider APIs, all tagged with a default type.</summary>
public sealed class PoolOptions
{
    public string Name { get; set; } = string.Empty;
    public UpstreamType Type { get; set; } = UpstreamType.Residential;
    public List<ProxyEntryOptions> Proxies { get; set; } = [];
    public List<ProviderOptions> Providers { get; set; } = [];

    /// <summary>The cost of its upstreams unless an upstream states its own; null means not known.</summary>
    public UpstreamCost? Cost { get; set; }

    /// <summary><c>"local": true</c> on the pool: every upstream of it (provider imports too) counts as local, see <see cref="ProxyEntryOptions.Local"/>.</summary>
    public bool Local { get; set; }

    /// <summary>
    /// <c>"udp": true</c> on the pool: its SOCKS5 upstreams support UDP ASSOCIATE (RFC 1928 §7), so the gateway may
    /// relay a client's UDP association through them. Its static proxies must all be <c>socks5://</c>.
    /// </summary>
    public bool Udp { get; set; }

    /// <summary>
    /// <c>"exclusiveExits": true</c>: an exit of this pool that served an account for a site serves no other account for
    /// that site within <c>policy.exclusive.window</c> (see <see cref="ExclusiveExitOptions"/>).
    /// </summary>
    public bool ExclusiveExits { get; set; }
}
