using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health.Lifecycle;
using ProxyRotator.Health.Scoring;
using ProxyRotator.Store;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Health.LiveOutcomes;

/// <summary>
/// Drains <see cref="LiveOutcomeRecorder.Pending"/> and writes live figures in batches: totals, last use, score,
/// and — when live traffic saw a burst of upstream faults — the quarantine, followed by a snapshot refresh so the
/// gateway stops picking that upstream at once. The first report after a quiet spell is written at once; after each
/// write the writer rests for <see cref="WriteInterval"/> so that under load whatever queued meanwhile goes into one
/// batch — without the rest it would rewrite the same few rows back to back and keep a core busy with SQLite.
/// </summary>
public sealed partial class LiveOutcomeWriter : BackgroundService
{
    public const int MaxBatch = 500;

    /// <summary>Least time between two writes while reports keep coming (bounds store writes to a few per second).</summary>
    public static readonly TimeSpan WriteInterval = TimeSpan.FromMilliseconds(250);

    private readonly LiveOutcomeRecorder _recorder;
    private readonly IDbContextFactory<ProxyRotatorDbContext> _contextFactory;
    private readonly UpstreamHealthBook _book;
    private readonly UpstreamScorer _scorer;
    private readonly UpstreamLifecycle _lifecycle;
    private readonly IPoolSnapshotSource _snapshots;
    private readonly TimeProvider _time;
    private readonly ILogger<LiveOutcomeWriter> _logger;

    public LiveOutcomeWriter(
        LiveOutcomeRecorder recorder,
        IDbContextFactory<ProxyRotatorDbContext> contextFactory,
        UpstreamHealthBook book,
        UpstreamScorer scorer,
        UpstreamLifecycle lifecycle,
        IPoolSnapshotSource snapshots,
        TimeProvider time,
        ILogger<LiveOutcomeWriter> logger)
    {
        _recorder = recorder;
        _contextFactory = contextFactory;
        _book = book;
        _scorer = scorer;
        _lifecycle = lifecycle;
        _snapshots = snapshots;
        _time = time;
        _logger = logger;
    }

    /// <summary>Writes everything queued so far; returns how many upstreams were written.</summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        int total = 0;
        var batch = new List<long>(MaxBatch);
        while (true)
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _recorder.Pending.TryRead(out long id))
            {
                batch.Add(id);
            }

            if (batch.Count == 0)
            {
                return total;
            }

            await WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            total += batch.Count;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _recorder.Pending.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await FlushAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The figures of that batch are lost, the in-memory score is not; the next report queues again.
                    LogWriteFailed(_logger, ex);
                }

                await Task.Delay(WriteInterval, _time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping: write what is left below
        }

        try
        {
            await FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogWriteFailed(_logger, ex);
        }
    }

    private async Task WriteAsync(List<long> ids, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        bool statusChanged = false;
        ProxyRotatorDbContext db = await _contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            Dictionary<long, UpstreamEntity> rows = await db.Upstreams.Where(u => ids.Contains(u.Id))
                .ToDictionaryAsync(u => u.Id, cancellationToken).ConfigureAwait(false);
            foreach (long id in ids)
            {
                UpstreamHealthEntry entry = _book.Get(id);
                entry.ClearQueued();
                LiveTally tally = entry.TakeLiveTally();
                if (!rows.TryGetValue(id, out UpstreamEntity? upstream))
                {
                    _book.Forget(id);
                    continue;
                }

                entry.SeedOnce(UpstreamScorer.Seed(upstream.SuccessRate, upstream.LatencyMs, upstream.LastCheckedAt ?? upstream.LastUsedAt), _scorer, now);
                ScoreFigures figures = entry.Figures(_scorer);
                upstream.TotalRequests += tally.Requests;
                upstream.TotalFailures += tally.Failures;
                if (tally.LastUsedAt is { } used && (upstream.LastUsedAt is null || used > upstream.LastUsedAt))
                {
                    upstream.LastUsedAt = used;
                }

                upstream.Score = figures.Score;
                upstream.SuccessRate = figures.SuccessRate;
                upstream.LatencyMs = figures.LatencyMs;

                if (tally.QuarantineRequested)
                {
                    LifecycleStep step = _lifecycle.ApplyLiveFaultBurst(upstream.ToHealthState(), tally.ConsecutiveLiveFaults, now);
                    if (upstream.Apply(step))
                    {
                        statusChanged = true;
                        LogQuarantined(_logger, upstream.Id, upstream.ToMaskedUrl(), tally.ConsecutiveLiveFaults);
                    }
                }
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        if (statusChanged)
        {
            await _snapshots.RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Upstream #{Id} {Upstream} quarantined after {Faults} consecutive live upstream faults")]
    private static partial void LogQuarantined(ILogger logger, long id, string upstream, int faults);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Error, Message = "Writing live upstream figures failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);
}
