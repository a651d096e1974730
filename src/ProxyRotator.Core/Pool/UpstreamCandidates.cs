namespace ProxyRotator.Core.Pool;

/// <summary>
/// The upstreams that satisfy one <see cref="UpstreamQuery"/> in one <see cref="PoolSnapshot"/>: active ones and,
/// as a fallback, pending ones. Built once per snapshot and query, then shared by every pick.
/// </summary>
public sealed class UpstreamCandidates
{
    private readonly UpstreamCandidate[] _active;
    private readonly UpstreamCandidate[] _pending;

    internal UpstreamCandidates(UpstreamCandidate[] active, UpstreamCandidate[] pending)
    {
        _active = active;
        _pending = pending;
        ActiveTierEnds = CostTiers.Sort(_active);
        HasBackconnect = _active.Any(c => c.Upstream.IsBackconnect);
    }

    /// <summary>A backconnect upstream is among the active ones: it may be weak in the asked country.</summary>
    internal bool HasBackconnect { get; }

    /// <summary>
    /// Where each cost tier of <see cref="Active"/> ends (exclusive), cheapest first; null when every active candidate
    /// costs the same (the pick is then a plain score-weighted pick over all of them).
    /// </summary>
    internal int[]? ActiveTierEnds { get; }

    public static UpstreamCandidates None { get; } = new([], []);

    public int ActiveCount => _active.Length;

    /// <summary>Used only when no active upstream is left to pick.</summary>
    public int PendingCount => _pending.Length;

    /// <summary>True when nothing matches at all: the gateway answers 503 (no upstream), not 502.</summary>
    public bool IsEmpty => _active.Length == 0 && _pending.Length == 0;

    public int Count => _active.Length + _pending.Length;

    internal ReadOnlySpan<UpstreamCandidate> Active => _active;

    internal ReadOnlySpan<UpstreamCandidate> Pending => _pending;

    /// <summary>Every candidate, active first (for diagnostics and tests; allocates).</summary>
    public IReadOnlyList<UpstreamProxy> ToList() => [.. _active.Select(c => c.Upstream), .. _pending.Select(c => c.Upstream)];
}
