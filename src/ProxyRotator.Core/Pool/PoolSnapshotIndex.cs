using System.Collections.Frozen;

namespace ProxyRotator.Core.Pool;

/// <summary>
/// Buckets of member upstreams (any status: status is runtime state) by pool, type, country, verified country and city, built once
/// per snapshot. A query starts from its smallest bucket, so building its candidate list costs the bucket's size,
/// not the pool's.
/// </summary>
internal sealed class PoolSnapshotIndex
{
    private static readonly UpstreamProxy[] _none = [];

    private readonly FrozenDictionary<string, UpstreamProxy[]> _byPool;
    private readonly FrozenDictionary<string, UpstreamProxy[]> _byEffectiveCountry;
    private readonly FrozenDictionary<string, UpstreamProxy[]> _byVerifiedCountry;
    private readonly FrozenDictionary<string, UpstreamProxy[]> _byCity;
    private readonly UpstreamProxy[][] _byType;
    private readonly UpstreamProxy[] _withVerifiedCountry;
    private readonly UpstreamProxy[] _backconnect;

    public PoolSnapshotIndex(IReadOnlyList<UpstreamProxy> all)
    {
        var byPool = new Dictionary<string, List<UpstreamProxy>>(StringComparer.OrdinalIgnoreCase);
        var byEffectiveCountry = new Dictionary<string, List<UpstreamProxy>>(StringComparer.OrdinalIgnoreCase);
        var byVerifiedCountry = new Dictionary<string, List<UpstreamProxy>>(StringComparer.OrdinalIgnoreCase);
        var byCity = new Dictionary<string, List<UpstreamProxy>>(StringComparer.OrdinalIgnoreCase);
        var byType = new List<UpstreamProxy>[Enum.GetValues<UpstreamType>().Length];
        for (int i = 0; i < byType.Length; i++)
        {
            byType[i] = [];
        }

        var members = new List<UpstreamProxy>(all.Count);
        var withVerified = new List<UpstreamProxy>();
        var backconnect = new List<UpstreamProxy>();
        foreach (UpstreamProxy upstream in all)
        {
            members.Add(upstream);
            if (upstream.IsBackconnect)
            {
                backconnect.Add(upstream);
            }

            Add(byPool, upstream.PoolName, upstream);
            Add(byEffectiveCountry, upstream.EffectiveCountry, upstream);
            Add(byVerifiedCountry, upstream.VerifiedCountry, upstream);
            Add(byCity, upstream.City, upstream);
            if ((uint)upstream.Type < (uint)byType.Length)
            {
                byType[(int)upstream.Type].Add(upstream);
            }

            if (upstream.VerifiedCountry is not null)
            {
                withVerified.Add(upstream);
            }
        }

        Members = [.. members];
        _withVerifiedCountry = [.. withVerified];
        _backconnect = [.. backconnect];
        _byPool = Freeze(byPool);
        _byEffectiveCountry = Freeze(byEffectiveCountry);
        _byVerifiedCountry = Freeze(byVerifiedCountry);
        _byCity = Freeze(byCity);
        _byType = Array.ConvertAll(byType, list => list.ToArray());
    }

    public UpstreamProxy[] Members { get; }

    /// <summary>The smallest bucket that contains every upstream matching <paramref name="query"/>.</summary>
    public UpstreamProxy[] SmallestBucketFor(in UpstreamQuery query)
    {
        UpstreamProxy[] best = Members;
        if (query.Pool is not null)
        {
            best = Smaller(best, _byPool.GetValueOrDefault(query.Pool, _none));
        }

        if (query.Type is { } type)
        {
            best = Smaller(best, (uint)type < (uint)_byType.Length ? _byType[(int)type] : _none);
        }

        if (query.BackconnectOnly)
        {
            best = Smaller(best, _backconnect);
        }

        if (_backconnect.Length > 0 && !query.GeoVerifiedOnly)
        {
            // Backconnect upstreams serve many countries and cities: the country and city buckets do not hold them.
            return best;
        }

        if (query.Country is not null)
        {
            FrozenDictionary<string, UpstreamProxy[]> byCountry = query.GeoVerifiedOnly ? _byVerifiedCountry : _byEffectiveCountry;
            best = Smaller(best, byCountry.GetValueOrDefault(query.Country, _none));
        }
        else if (query.GeoVerifiedOnly)
        {
            best = Smaller(best, _withVerifiedCountry);
        }

        if (query.City is not null)
        {
            best = Smaller(best, _byCity.GetValueOrDefault(query.City, _none));
        }

        return best;
    }

    private static UpstreamProxy[] Smaller(UpstreamProxy[] a, UpstreamProxy[] b) => b.Length < a.Length ? b : a;

    private static void Add(Dictionary<string, List<UpstreamProxy>> index, string? key, UpstreamProxy upstream)
    {
        if (key is null)
        {
            return;
        }

        if (!index.TryGetValue(key, out List<UpstreamProxy>? bucket))
        {
            bucket = [];
            index[key] = bucket;
        }

        bucket.Add(upstream);
    }

    private static FrozenDictionary<string, UpstreamProxy[]> Freeze(Dictionary<string, List<UpstreamProxy>> index) =>
        index.ToFrozenDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.OrdinalIgnoreCase);
}
