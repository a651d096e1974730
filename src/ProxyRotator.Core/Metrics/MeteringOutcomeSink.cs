using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Core.Metrics;

/// <summary>
/// Counts every outcome in <see cref="GatewayMetrics"/> (by the upstream's pool, from the current snapshot) and
/// hands it on to the real sink. Register it as the <see cref="IUpstreamOutcomeSink"/> the gateway and the health
/// probes see.
/// </summary>
public sealed class MeteringOutcomeSink(IUpstreamOutcomeSink inner, GatewayMetrics metrics, IPoolSnapshotSource snapshots) : IUpstreamOutcomeSink
{
    public void Report(in UpstreamOutcome outcome)
    {
        string? pool = snapshots.Current.TryGet(outcome.UpstreamId, out UpstreamProxy? upstream) ? upstream!.PoolName : null;
        metrics.RecordOutcome(outcome, pool);
        inner.Report(outcome);
    }
}
