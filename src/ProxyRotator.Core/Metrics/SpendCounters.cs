namespace ProxyRotator.Core.Metrics;

/// <summary>Served requests, bytes and what they cost, for one account or one provider. Thread-safe (Interlocked).</summary>
public sealed class SpendCounters
{
    /// <summary>Cost is counted in billionths of the currency unit, so a kilobyte at a few units per GB still counts.</summary>
    private const decimal NanoUnits = 1_000_000_000m;

    private long _requests;
    private long _bytes;
    private long _costNanos;
    private long _pricedRequests;

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Bytes relayed in both directions.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Requests served by an upstream with a stated cost (the others count as free).</summary>
    public long PricedRequests => Interlocked.Read(ref _pricedRequests);

    /// <summary>What the served requests cost, in the currency of the configuration's <c>cost</c> figures.</summary>
    public decimal Spend => Interlocked.Read(ref _costNanos) / NanoUnits;

    internal void Add(long bytes, decimal? cost)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _bytes, bytes);
        if (cost is { } amount)
        {
            Interlocked.Increment(ref _pricedRequests);
            Interlocked.Add(ref _costNanos, (long)decimal.Round(amount * NanoUnits));
        }
    }
}
