namespace ProxyRotator.Core.Pool;

/// <summary>
/// The mutable runtime state of one upstream, in memory and lock-free: status, score, latency, consecutive failures,
/// last exit IP, and the in-flight, pick and request counters. One instance per upstream for as long as it is a
/// member of the pool (<see cref="UpstreamRuntimeStates"/>), shared by every snapshot that contains it, so a rebuild
/// forgets nothing. Live outcomes and health results update it in place and the selector reads it at once: the
/// snapshot holds membership and tags only and is never rebuilt for a status or a score. The store persists this
/// state write-behind and seeds it at start. Only the upstream lifecycle changes <see cref="Status"/>
/// (<see cref="ChangeStatus"/>; an architecture test holds that).
/// </summary>
public sealed class UpstreamRuntimeState
{
    private int _status;
    private long _scoreBits;
    private long _latencyBits = BitConverter.DoubleToInt64Bits(double.NaN);
    private int _consecutiveFailures;
    private string? _exitIp;
    private int _inFlight;
    private long _requests;
    private long _failures;
    private long _picks;
    private UpstreamStatusClock? _clock;

    /// <summary>A fresh upstream: pending, score 0.5.</summary>
    public UpstreamRuntimeState()
        : this(UpstreamStatus.Pending, 0.5)
    {
    }

    /// <summary>State loaded from the store (or given by a test): loading is not a status transition.</summary>
    public UpstreamRuntimeState(UpstreamStatus status, double score, double? latencyMs = null, int consecutiveFailures = 0, string? exitIp = null)
    {
        _status = (int)status;
        _scoreBits = BitConverter.DoubleToInt64Bits(ClampScore(score));
        _latencyBits = BitConverter.DoubleToInt64Bits(latencyMs ?? double.NaN);
        _consecutiveFailures = consecutiveFailures;
        _exitIp = exitIp;
    }

    public UpstreamStatus Status => (UpstreamStatus)Volatile.Read(ref _status);

    /// <summary>Active or pending: may be picked (pending only when no active upstream matches).</summary>
    public bool IsEligible => Volatile.Read(ref _status) <= (int)UpstreamStatus.Active;

    /// <summary>Health score in [0,1].</summary>
    public double Score => BitConverter.Int64BitsToDouble(Interlocked.Read(ref _scoreBits));

    /// <summary>Smoothed latency in milliseconds, or null before the first measurement.</summary>
    public double? LatencyMs
    {
        get
        {
            double latency = BitConverter.Int64BitsToDouble(Interlocked.Read(ref _latencyBits));
            return double.IsNaN(latency) ? null : latency;
        }
    }

    /// <summary>Failed probes in a row (what the lifecycle quarantines on).</summary>
    public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    /// <summary>The exit address the upstream showed last (probe), or null when never seen.</summary>
    public string? ExitIp => Volatile.Read(ref _exitIp);

    /// <summary>
    /// Sets the status. Only the upstream lifecycle calls this (it decides every transition and persists it); the
    /// snapshot that contains this upstream sees the change on its next pick, without a rebuild.
    /// </summary>
    /// <returns>False when the status already was <paramref name="status"/>.</returns>
    public bool ChangeStatus(UpstreamStatus status)
    {
        if (Interlocked.Exchange(ref _status, (int)status) == (int)status)
        {
            return false;
        }

        Volatile.Read(ref _clock)?.Tick();
        return true;
    }

    /// <summary>Publishes new health figures to the selector.</summary>
    public void SetHealth(double score, double? latencyMs, int consecutiveFailures)
    {
        SetScore(score);
        Interlocked.Exchange(ref _latencyBits, BitConverter.DoubleToInt64Bits(latencyMs ?? double.NaN));
        Volatile.Write(ref _consecutiveFailures, consecutiveFailures);
    }

    /// <summary>Publishes a new score to the selector.</summary>
    public void SetScore(double score) => Interlocked.Exchange(ref _scoreBits, BitConverter.DoubleToInt64Bits(ClampScore(score)));

    public void SetExitIp(string? exitIp) => Volatile.Write(ref _exitIp, exitIp);

    /// <summary>How often the selector chose this upstream for rotation: the selector evens these out among equals.</summary>
    public long Picks => Interlocked.Read(ref _picks);

    /// <summary>
    /// Counts one rotation pick (not sticky reuse, which does not go through the selector), raising the count to at
    /// least <paramref name="atLeast"/> (the selector's catch-up limit; a lost race leaves the plain increment).
    /// </summary>
    public void RecordPick(long atLeast)
    {
        long picks = Interlocked.Increment(ref _picks);
        if (picks < atLeast)
        {
            Interlocked.CompareExchange(ref _picks, atLeast, picks);
        }
    }

    public int InFlight => Volatile.Read(ref _inFlight);
    public long Requests => Interlocked.Read(ref _requests);
    public long Failures => Interlocked.Read(ref _failures);

    public void Enter()
    {
        Interlocked.Increment(ref _inFlight);
        Interlocked.Increment(ref _requests);
    }

    public void Exit(bool failed)
    {
        Interlocked.Decrement(ref _inFlight);
        if (failed)
        {
            Interlocked.Increment(ref _failures);
        }
    }

    /// <summary>The newest snapshot containing this upstream hears about its status changes through this clock.</summary>
    internal void AttachTo(UpstreamStatusClock clock) => Volatile.Write(ref _clock, clock);

    private static double ClampScore(double score) => double.IsNaN(score) ? 0.5 : Math.Clamp(score, 0, 1);
}
