using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace ProxyRotator.Core.Pool;

/// <summary>
/// An immutable view of the pool's membership and tags (every non-retired upstream), swapped atomically when those
/// change; status, score and load are runtime state (<see cref="UpstreamRuntimeState"/>) that changes in place, so
/// health results and live outcomes never rebuild it. Reads never lock. Indexes by pool, type, country and city are
/// built with the snapshot; the candidate list of each distinct <see cref="UpstreamQuery"/> is built on first use and
/// cached here (bounded), so a pick is O(1) amortized.
/// </summary>
public sealed class PoolSnapshot
{
    /// <summary>Distinct queries cached per snapshot; beyond this the cache starts over (queries come from usernames).</summary>
    public const int MaxCachedQueries = 4096;

    private readonly FrozenDictionary<long, UpstreamProxy> _byId;
    private readonly PoolSnapshotIndex _index;
    private readonly ConcurrentDictionary<UpstreamQuery, UpstreamCandidates> _candidates = new();
    private readonly UpstreamStatusClock _statusClock = new();
    private int _cachedQueries;

    /// <summary>
    /// Builds the snapshot; from now on the upstreams' status changes are reported to it (a runtime state reports to
    /// the newest snapshot that contains it).
    /// </summary>
    public PoolSnapshot(IEnumerable<UpstreamProxy> upstreams, long version)
    {
        All = upstreams.ToArray();
        foreach (UpstreamProxy upstream in All)
        {
            upstream.Runtime.AttachTo(_statusClock);
        }

        _byId = All.ToFrozenDictionary(u => u.Id);
        _index = new PoolSnapshotIndex(All);
        Version = version;
    }

    public static PoolSnapshot Empty { get; } = new([], 0);

    public IReadOnlyList<UpstreamProxy> All { get; }

    /// <summary>Increases with every rebuild.</summary>
    public long Version { get; }

    /// <summary>Active and pending upstreams now (counts the runtime status of every member).</summary>
    public int EligibleCount => All.Count(u => u.IsEligible);

    public bool TryGet(long id, out UpstreamProxy? upstream) => _byId.TryGetValue(id, out upstream);

    /// <summary>The members matching <paramref name="query"/>'s tags, whatever their status; cached per query.</summary>
    public UpstreamCandidates GetCandidates(in UpstreamQuery query)
    {
        if (_candidates.TryGetValue(query, out UpstreamCandidates? cached))
        {
            return cached;
        }

        return AddCandidates(query);
    }

    private UpstreamCandidates AddCandidates(UpstreamQuery query)
    {
        UpstreamCandidates built = BuildCandidates(query);
        if (Interlocked.Increment(ref _cachedQueries) > MaxCachedQueries)
        {
            // Unbounded distinct usernames must not grow memory; starting over keeps the common queries warm.
            _candidates.Clear();
            Interlocked.Exchange(ref _cachedQueries, 1);
        }

        return _candidates.GetOrAdd(query, built);
    }

    private UpstreamCandidates BuildCandidates(in UpstreamQuery query)
    {
        UpstreamProxy[] bucket = _index.SmallestBucketFor(query);
        if (bucket.Length == 0)
        {
            return UpstreamCandidates.None;
        }

        var matching = new List<UpstreamCandidate>();
        foreach (UpstreamProxy upstream in bucket)
        {
            if (UpstreamSelector.MatchesTags(upstream, query))
            {
                matching.Add(new UpstreamCandidate(upstream));
            }
        }

        return matching.Count == 0 ? UpstreamCandidates.None : new UpstreamCandidates([.. matching], _statusClock);
    }
}
