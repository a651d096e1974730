using System.Threading.Channels;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Health.Scoring;

namespace ProxyRotator.Health.LiveOutcomes;

/// <summary>
/// The gateway's <see cref="IUpstreamOutcomeSink"/>: <see cref="Report"/> updates the upstream's in-memory health
/// (score, live fault streak, counts) under a per-upstream lock and queues the upstream id for
/// <see cref="LiveOutcomeWriter"/>, which writes to the store in batches. No I/O and no waiting on the hot path:
/// each upstream is queued at most once until written, and if the bounded queue is ever full the next report for
/// that upstream queues it again, so nothing is lost but a little latency.
/// </summary>
public sealed class LiveOutcomeRecorder : IUpstreamOutcomeSink
{
    /// <summary>Upstreams waiting to be written; one slot per upstream, so this bounds memory, not throughput.</summary>
    public const int QueueCapacity = 100_000;

    private readonly UpstreamHealthBook _book;
    private readonly UpstreamScorer _scorer;
    private readonly TimeProvider _time;
    private readonly int _quarantineAfter;
    private readonly Channel<long> _queue = Channel.CreateBounded<long>(new BoundedChannelOptions(QueueCapacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = false,
        SingleWriter = false,
    });

    public LiveOutcomeRecorder(UpstreamHealthBook book, UpstreamScorer scorer, HealthCheckOptions options, TimeProvider time)
    {
        _book = book;
        _scorer = scorer;
        _time = time;
        _quarantineAfter = options.QuarantineAfterLiveFailures;
    }

    /// <summary>Ids of upstreams with live figures not yet written.</summary>
    public ChannelReader<long> Pending => _queue.Reader;

    public void Report(in UpstreamOutcome outcome)
    {
        if (outcome.IsProbe)
        {
            // Probes are recorded by the health-check runner itself.
            return;
        }

        UpstreamHealthEntry entry = _book.Get(outcome.UpstreamId);
        entry.RecordLive(_scorer, outcome, _time.GetUtcNow(), _quarantineAfter);
        Queue(outcome.UpstreamId, entry);
    }

    /// <summary>Queues the upstream for the writer unless it is queued already (the writer's retry after a failed write).</summary>
    internal void Queue(long upstreamId, UpstreamHealthEntry entry)
    {
        if (entry.TryMarkQueued() && !_queue.Writer.TryWrite(upstreamId))
        {
            entry.ClearQueued();
        }
    }
}
