using System.Collections.Frozen;

namespace ProxyRotator.Core.Pool;

/// <summary>
/// The pools an account may use: all of them, or a set. Immutable and cheap to compare and hash (a canonical key
/// with a precomputed hash), because it is part of every <see cref="UpstreamQuery"/> and so of the selection cache key.
/// Build one per account at start-up and reuse it.
/// </summary>
public sealed class PoolAccess : IEquatable<PoolAccess>
{
    private const string AllKey = "*";

    private readonly FrozenSet<string>? _pools;
    private readonly int _hash;

    private PoolAccess(FrozenSet<string>? pools, string key)
    {
        _pools = pools;
        Key = key;
        _hash = StringComparer.Ordinal.GetHashCode(key);
    }

    /// <summary>Every pool.</summary>
    public static PoolAccess All { get; } = new(null, AllKey);

    /// <summary>The canonical form: <c>*</c>, or the lower-cased pool names sorted and joined with <c>,</c>.</summary>
    public string Key { get; }

    public bool AllowsAll => _pools is null;

    /// <summary>Builds from configured pool names; <c>*</c> anywhere means all pools. Names compare case-insensitively.</summary>
    public static PoolAccess Of(IEnumerable<string> pools)
    {
        ArgumentNullException.ThrowIfNull(pools);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string pool in pools)
        {
            if (pool == AllKey)
            {
                return All;
            }

            names.Add(pool.ToLowerInvariant());
        }

        return new PoolAccess(names.ToFrozenSet(StringComparer.OrdinalIgnoreCase), string.Join(',', names));
    }

    public bool Allows(string pool) => _pools is null || _pools.Contains(pool);

    /// <summary>The pools both allow (allocates unless one of them allows all).</summary>
    public PoolAccess Intersect(PoolAccess other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other._pools is null ? this
            : _pools is null ? other
            : Of(_pools.Where(other._pools.Contains));
    }

    public bool Equals(PoolAccess? other) =>
        ReferenceEquals(this, other) || (other is not null && _hash == other._hash && string.Equals(Key, other.Key, StringComparison.Ordinal));

    public override bool Equals(object? obj) => Equals(obj as PoolAccess);

    public override int GetHashCode() => _hash;

    public override string ToString() => Key;
}
