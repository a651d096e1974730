namespace ProxyRotator.Health.Probing;

/// <summary>
/// Probes many upstreams with at most <c>healthCheck.concurrency</c> probes in flight, and hands each result to a
/// callback as soon as it arrives (so the caller can write results in batches while later probes still run).
/// </summary>
public sealed class BoundedProber
{
    private readonly IUpstreamProbe _probe;
    private readonly int _concurrency;

    public BoundedProber(IUpstreamProbe probe, int concurrency)
    {
        _probe = probe;
        _concurrency = Math.Max(1, concurrency);
    }

    public int Concurrency => _concurrency;

    public Task ProbeAllAsync(
        IEnumerable<ProbeTarget> targets,
        Func<ProbeTarget, ProbeResult, CancellationToken, ValueTask> onResult,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onResult);
        var options = new ParallelOptions { MaxDegreeOfParallelism = _concurrency, CancellationToken = cancellationToken };
        return Parallel.ForEachAsync(targets, options, async (target, ct) =>
        {
            ProbeResult result = await _probe.ProbeAsync(target.Endpoint, ct).ConfigureAwait(false);
            await onResult(target, result, ct).ConfigureAwait(false);
        });
    }
}
