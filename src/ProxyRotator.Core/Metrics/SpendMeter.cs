using System.Collections.Concurrent;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Core.Metrics;

/// <summary>
/// Usage and spend since start, per account and per provider (issue 12 §5): every served request is counted with its
/// bytes and, when its upstream has a <c>cost</c> (its own or its pool's), what it cost: per request plus per GB of
/// bytes in both directions. A provider is a backconnect upstream's dialect (<c>brightdata</c>, ...) or, for static
/// upstreams, <c>static</c>; each is also split by pool. Accounts and pools come from the configuration, so the
/// number of keys stays bounded. Lock-free on the request path.
/// </summary>
public sealed class SpendMeter
{
    /// <summary>The provider name of static upstreams.</summary>
    public const string StaticProvider = "static";

    private readonly ConcurrentDictionary<string, SpendCounters> _byAccount = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Provider, string Pool), SpendCounters> _byProvider = new();

    public IEnumerable<KeyValuePair<string, SpendCounters>> Accounts => _byAccount;

    public IEnumerable<KeyValuePair<(string Provider, string Pool), SpendCounters>> Providers => _byProvider;

    /// <summary>The provider an upstream's traffic is billed by.</summary>
    public static string ProviderOf(UpstreamProxy upstream)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        return upstream.Backconnect?.DialectName ?? StaticProvider;
    }

    /// <summary>Counts one served request of <paramref name="account"/> through <paramref name="upstream"/>.</summary>
    public void Record(string? account, UpstreamProxy upstream, long bytes)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        decimal? cost = upstream.Cost?.Of(bytes);
        if (account is not null)
        {
            _byAccount.GetOrAdd(account, static _ => new SpendCounters()).Add(bytes, cost);
        }

        _byProvider.GetOrAdd((ProviderOf(upstream), upstream.PoolName), static _ => new SpendCounters()).Add(bytes, cost);
    }
}
