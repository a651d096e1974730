namespace ProxyRotator.Core.Pool;

/// <summary>
/// The upstreams that satisfy one <see cref="UpstreamQuery"/> in one <see cref="PoolSnapshot"/>: active ones and,
/// as a fallback, pending ones. Built once per snapshot and query, then shared by every pick.
/// </summary>
public sealed class UpstreamCandidates
{
    internal UpstreamCandidates(UpstreamProxy[] active, UpstreamProxy[] pending)
    {
        Active = active;
        Pending = pending;
    }

    public static UpstreamCandidates None { get; } = new([], []);

    public ReadOnlyMemory<UpstreamProxy> Active { get; }

    /// <summary>Used only when no active upstream is left to pick.</summary>
    public ReadOnlyMemory<UpstreamProxy> Pending { get; }

    /// <summary>True when nothing matches at all: the gateway answers 503 (no upstream), not 502.</summary>
    public bool IsEmpty => Active.IsEmpty && Pending.IsEmpty;

    public int Count => Active.Length + Pending.Length;
}
