namespace ProxyRotator.Core.Pool;

/// <summary>
/// Counts status changes of the upstreams in one <see cref="PoolSnapshot"/>: a candidate list compares it with the
/// count it sorted its active and pending upstreams at, and sorts again only when a status changed since.
/// </summary>
internal sealed class UpstreamStatusClock
{
    private long _ticks;

    public long Ticks => Volatile.Read(ref _ticks);

    public void Tick() => Interlocked.Increment(ref _ticks);
}
