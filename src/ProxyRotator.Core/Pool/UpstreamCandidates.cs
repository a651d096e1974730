namespace ProxyRotator.Core.Pool;

/// <summary>
/// The upstreams that satisfy one <see cref="UpstreamQuery"/>'s membership and tags in one <see cref="PoolSnapshot"/>,
/// whatever their status: status is runtime state. Built once per snapshot and query, then shared by every pick.
/// For the selector, the list keeps its active and pending members apart (quarantined and retired ones left out),
/// sorted again lazily after a status change anywhere in the snapshot; each draw still checks the live status, so a
/// quarantine takes effect before the lists are sorted again.
/// </summary>
public sealed class UpstreamCandidates
{
    /// <summary>Lists up to this size are sorted again on the first pick after any status change (cheap).</summary>
    internal const int SortAlwaysUpTo = 4096;

    /// <summary>
    /// Larger lists are sorted again at most this often while statuses keep changing (a health pass over 100,000
    /// upstreams changes thousands a second, and each sort reads every member's state); meanwhile draws check the
    /// live status, so a quarantine still counts at once, and a revived upstream joins the active draws within this.
    /// </summary>
    internal const long LargeListSortIntervalMs = 100;

    private readonly UpstreamCandidate[] _all;
    private readonly UpstreamStatusClock _clock;
    private StatusPartition _partition;
    private int _sorting;
    private long _sortedAtMs;

    internal UpstreamCandidates(UpstreamCandidate[] all, UpstreamStatusClock clock)
    {
        // Cheapest first (stable), so each status split keeps its members in cost order for the tiers.
        CostTiers.SortByCost(all);
        _all = all;
        _clock = clock;
        _partition = StatusPartition.Unsorted;
        HasBackconnect = all.Any(c => c.Upstream.IsBackconnect);
    }

    /// <summary>A backconnect upstream is a member: it may be weak in the asked country.</summary>
    internal bool HasBackconnect { get; }

    public static UpstreamCandidates None { get; } = new([], new UpstreamStatusClock());

    /// <summary>Members that are active now.</summary>
    public int ActiveCount => Current().Active.Length;

    /// <summary>Members that are pending now: used only when no active upstream is left to pick.</summary>
    public int PendingCount => Current().Pending.Length;

    /// <summary>True when no member matches at all: the gateway answers 503 (no upstream), not 502.</summary>
    public bool IsEmpty => _all.Length == 0;

    /// <summary>Members matching the query, whatever their status.</summary>
    public int Count => _all.Length;

    internal ReadOnlySpan<UpstreamCandidate> Active => Current().Active;

    internal ReadOnlySpan<UpstreamCandidate> Pending => Current().Pending;

    /// <summary>Every eligible candidate, active first (for diagnostics and tests; allocates).</summary>
    public IReadOnlyList<UpstreamProxy> ToList()
    {
        StatusPartition partition = Current();
        return [.. partition.Active.Select(c => c.Upstream), .. partition.Pending.Select(c => c.Upstream)];
    }

    /// <summary>
    /// The active/pending split as of the last status change. One caller sorts again after a change while others
    /// keep using the previous split (their draws check the live status); a caller that finds nothing in a stale split
    /// sorts itself (<see cref="Resort"/>).
    /// </summary>
    internal StatusPartition Current()
    {
        StatusPartition partition = Volatile.Read(ref _partition);
        long ticks = _clock.Ticks;
        if (partition.Ticks == ticks || _all.Length == 0)
        {
            return partition;
        }

        if (partition.Ticks >= 0
            && ((_all.Length > SortAlwaysUpTo && Environment.TickCount64 - Volatile.Read(ref _sortedAtMs) < LargeListSortIntervalMs)
                || Interlocked.CompareExchange(ref _sorting, 1, 0) != 0))
        {
            return partition;
        }

        try
        {
            return Sort(ticks);
        }
        finally
        {
            if (partition.Ticks >= 0)
            {
                Volatile.Write(ref _sorting, 0);
            }
        }
    }

    /// <summary>Sorts now if a status changed since the split was made; returns whether it did.</summary>
    internal bool Resort(out StatusPartition partition)
    {
        partition = Volatile.Read(ref _partition);
        long ticks = _clock.Ticks;
        if (partition.Ticks == ticks)
        {
            return false;
        }

        partition = Sort(ticks);
        return true;
    }

    private StatusPartition Sort(long ticks)
    {
        var active = new List<UpstreamCandidate>();
        var pending = new List<UpstreamCandidate>();
        foreach (UpstreamCandidate candidate in _all)
        {
            UpstreamStatus status = candidate.Runtime.Status;
            if (status == UpstreamStatus.Active)
            {
                active.Add(candidate);
            }
            else if (status == UpstreamStatus.Pending)
            {
                pending.Add(candidate);
            }
        }

        var sorted = new StatusPartition(ticks, [.. active], [.. pending]) { TierEnds = CostTiers.Ends(active) };
        Volatile.Write(ref _partition, sorted);
        Volatile.Write(ref _sortedAtMs, Environment.TickCount64);
        return sorted;
    }

    /// <summary>Active and pending members as of <see cref="Ticks"/> status changes (-1: never sorted).</summary>
    internal sealed class StatusPartition(long ticks, UpstreamCandidate[] active, UpstreamCandidate[] pending)
    {
        public static StatusPartition Unsorted { get; } = new(-1, [], []);

        public long Ticks { get; } = ticks;
        public UpstreamCandidate[] Active { get; } = active;
        public UpstreamCandidate[] Pending { get; } = pending;

        /// <summary>Where each cost tier of <see cref="Active"/> ends (exclusive), cheapest first; null for a single tier.</summary>
        public int[]? TierEnds { get; init; }
    }
}
