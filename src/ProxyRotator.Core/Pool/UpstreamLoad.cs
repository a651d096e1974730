namespace ProxyRotator.Core.Pool;

/// <summary>
/// The mutable runtime state of one upstream, lock-free: in-flight, pick and request counters, the live score and
/// whether it was taken out of rotation since the snapshot was built. Shared by every snapshot that contains the
/// upstream, so a rebuild forgets nothing, and updated in place, so a new score or a quarantine reaches the
/// selector at once without a rebuild (the snapshot holds membership and tags; it is rebuilt when those change).
/// </summary>
public sealed class UpstreamLoad
{
    private int _inFlight;
    private long _requests;
    private long _failures;
    private long _picks;
    private long _scoreBits = BitConverter.DoubleToInt64Bits(double.NaN);
    private int _excluded;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The latest live score, or NaN until one was published (the snapshot's score applies then).</summary>
    public double Score => BitConverter.Int64BitsToDouble(Interlocked.Read(ref _scoreBits));

    /// <summary>Taken out of rotation in memory (quarantined) since the snapshot was built: never picked.</summary>
    public bool IsExcluded => Volatile.Read(ref _excluded) != 0;

    /// <summary>Publishes a new score to the selector.</summary>
    public void SetScore(double score) => Interlocked.Exchange(ref _scoreBits, BitConverter.DoubleToInt64Bits(score));

    /// <summary>Stops picks of this upstream now (a quarantine); the next snapshot carries the stored status.</summary>
    public void Exclude() => Volatile.Write(ref _excluded, 1);

    /// <summary>A rebuilt snapshot states status and score again: runtime overrides start over from it.</summary>
    public void ResetTo(double score)
    {
        Volatile.Write(ref _excluded, 0);
        SetScore(score);
    }

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
}
