namespace ProxyRotator.Core.Metrics;

/// <summary>
/// A fixed-bucket histogram with lock-free counts, shaped for Prometheus exposition (cumulative buckets on read).
/// </summary>
public sealed class LatencyHistogram
{
    private readonly double[] _upperBoundsSeconds;
    private readonly long[] _counts;
    private long _count;
    private long _sumNanoseconds;

    public LatencyHistogram(IReadOnlyList<double> upperBoundsSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfZero(upperBoundsSeconds.Count);
        _upperBoundsSeconds = [.. upperBoundsSeconds.Order()];
        _counts = new long[_upperBoundsSeconds.Length + 1];
    }

    /// <summary>Upper bounds in seconds, ascending; the implicit last bucket is +Inf.</summary>
    public IReadOnlyList<double> UpperBoundsSeconds => _upperBoundsSeconds;

    public long Count => Interlocked.Read(ref _count);

    public double SumSeconds => Interlocked.Read(ref _sumNanoseconds) / 1e9;

    public void Record(TimeSpan elapsed)
    {
        double seconds = elapsed.TotalSeconds;
        int index = Array.BinarySearch(_upperBoundsSeconds, seconds);
        if (index < 0)
        {
            index = ~index;
        }

        Interlocked.Increment(ref _counts[index]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sumNanoseconds, (long)(elapsed.Ticks * 100L));
    }

    /// <summary>Cumulative counts per bucket (<c>le</c> semantics); the last entry is the +Inf bucket.</summary>
    public long[] CumulativeCounts()
    {
        long[] result = new long[_counts.Length];
        long running = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            running += Interlocked.Read(ref _counts[i]);
            result[i] = running;
        }

        return result;
    }
}
