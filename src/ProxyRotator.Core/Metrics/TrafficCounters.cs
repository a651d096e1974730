namespace ProxyRotator.Core.Metrics;

/// <summary>Lock-free running totals for one scope (the whole gateway, a pool or an upstream).</summary>
public sealed class TrafficCounters
{
    private long _requests;
    private long _failures;
    private long _retries;
    private long _bytesIn;
    private long _bytesOut;

    public long Requests => Interlocked.Read(ref _requests);
    public long Failures => Interlocked.Read(ref _failures);
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Bytes received from clients and sent upstream.</summary>
    public long BytesIn => Interlocked.Read(ref _bytesIn);

    /// <summary>Bytes sent back to clients.</summary>
    public long BytesOut => Interlocked.Read(ref _bytesOut);

    internal void AddRequest(bool failed)
    {
        Interlocked.Increment(ref _requests);
        if (failed)
        {
            Interlocked.Increment(ref _failures);
        }
    }

    internal void AddRetry() => Interlocked.Increment(ref _retries);

    internal void AddBytes(long bytesIn, long bytesOut)
    {
        if (bytesIn > 0)
        {
            Interlocked.Add(ref _bytesIn, bytesIn);
        }

        if (bytesOut > 0)
        {
            Interlocked.Add(ref _bytesOut, bytesOut);
        }
    }
}
