using System.Collections.Frozen;

namespace ProxyRotator.Core.Pool;

/// <summary>
/// An immutable view of every non-retired upstream, swapped atomically when the store changes. Reads never lock.
/// </summary>
public sealed class PoolSnapshot
{
    private readonly FrozenDictionary<long, UpstreamProxy> _byId;

    public PoolSnapshot(IEnumerable<UpstreamProxy> upstreams, long version)
    {
        All = upstreams.ToArray();
        _byId = All.ToFrozenDictionary(u => u.Id);
        Version = version;
    }

    public static PoolSnapshot Empty { get; } = new([], 0);

    public IReadOnlyList<UpstreamProxy> All { get; }

    /// <summary>Increases with every rebuild.</summary>
    public long Version { get; }

    public bool TryGet(long id, out UpstreamProxy? upstream) => _byId.TryGetValue(id, out upstream);
}
