using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health.Lifecycle;
using ProxyRotator.Health.Scoring;
using ProxyRotator.Store;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Health.LiveOutcomes;

/// <summary>
/// Drains <see cref="LiveOutcomeRecorder.Pending"/>, publishes the new scores to the upstreams' runtime state and
/// — when live traffic saw a burst of upstream faults — has the lifecycle quarantine the upstream in memory at once
/// (no snapshot rebuild), then writes live figures and the quarantine (with its transition) to the store in batches. The first report after a quiet spell is written at once; after each
/// write the writer rests for <see cref="WriteInterval"/> so that under load whatever queued meanwhile goes into one
/// batch — without the rest it would rewrite the same few rows back to back and keep a core busy with SQLite.
/// A batch is one transaction. The common row (no quarantine) is one set-based UPDATE (<see cref="LiveFiguresUpdate"/>)
/// that loads and tracks nothing and adds the counts in SQL; the stored figures are read once per upstream, to seed its in-memory score. Only the
/// rare quarantine loads the row, to run the lifecycle and record the status transition.
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
    private readonly UpstreamRuntimeStates _runtime;
    private readonly TimeProvider _time;
    private readonly ILogger<LiveOutcomeWriter> _logger;
    private LiveFiguresUpdate? _figuresUpdate;

    public LiveOutcomeWriter(
        LiveOutcomeRecorder recorder,
        IDbContextFactory<ProxyRotatorDbContext> contextFactory,
        UpstreamHealthBook book,
        UpstreamScorer scorer,
        UpstreamLifecycle lifecycle,
        UpstreamRuntimeStates runtime,
        TimeProvider time,
        ILogger<LiveOutcomeWriter> logger)
    {
        _recorder = recorder;
        _contextFactory = contextFactory;
        _book = book;
        _scorer = scorer;
        _lifecycle = lifecycle;
        _runtime = runtime;
        _time = time;
        _logger = logger;
    }

    /// <summary>Writes everything queued so far (not what queues meanwhile); returns how many upstreams were written.</summary>
    public Task<int> FlushAsync(CancellationToken cancellationToken) => WriteQueuedAsync(_recorder.Pending.Count, cancellationToken);

    /// <summary>
    /// Writes at most <paramref name="limit"/> queued upstreams, in batches of <see cref="MaxBatch"/>. The background
    /// loop passes the count queued when its round starts: under steady traffic every upstream is queued again while
    /// a batch is written, so draining "until empty" never ended and wrote one-row transactions back to back (about
    /// 500 a second at 1,300 requests a second over 20 upstreams), without the rest in between.
    /// </summary>
    private async Task<int> WriteQueuedAsync(int limit, CancellationToken cancellationToken)
    {
        int total = 0;
        var batch = new List<long>(Math.Min(limit, MaxBatch));
        while (total < limit)
        {
            batch.Clear();
            while (batch.Count < MaxBatch && total + batch.Count < limit && _recorder.Pending.TryRead(out long id))
            {
                batch.Add(id);
            }

            if (batch.Count == 0)
            {
                return total;
            }

            // Rows in id order: two instances writing the same upstreams lock them in the same order (PostgreSQL
            // reported deadlocks between two instances' batches in arrival order).
            batch.Sort();
            await WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            total += batch.Count;
        }

        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _recorder.Pending.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    // What is queued now; what queues while it is written waits for the next round, after the rest.
                    await FlushAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The batch's counts went back to their entries and are queued for the next round.
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
        var writes = new List<LiveWrite>(ids.Count);
        List<LiveWrite>? unseeded = null;
        foreach (long id in ids)
        {
            UpstreamHealthEntry entry = _book.Get(id);
            entry.ClearQueued();
            var write = new LiveWrite(id, entry, entry.TakeLiveTally());
            writes.Add(write);
            if (!entry.IsSeeded)
            {
                (unseeded ??= []).Add(write);
            }
        }

        PublishRuntimeState(writes);
        try
        {
            await StoreAsync(writes, unseeded, now, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The batch is one transaction, so none of it was stored: its counts go back to their entries, queued
            // again for the next round, instead of being lost.
            foreach (LiveWrite write in writes)
            {
                write.Entry.ReturnLiveTally(write.Tally);
                _recorder.Queue(write.Id, write.Entry);
            }

            throw;
        }
    }

    private async Task StoreAsync(List<LiveWrite> writes, List<LiveWrite>? unseeded, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ProxyRotatorDbContext db = await _contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            // Read before the transaction so the write lock is held for the updates only.
            HashSet<long>? gone = unseeded is null ? null : await SeedAsync(db, unseeded, now, cancellationToken).ConfigureAwait(false);
            if (unseeded is not null)
            {
                // Their scores could only be worked out once seeded from the stored figures.
                PublishRuntimeState(unseeded);
            }
            List<LiveWrite>? quarantines = null;
            IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                LiveFiguresUpdate update = _figuresUpdate ??= LiveFiguresUpdate.Create(db);
                DbCommand command = update.CreateCommand(db);
                await using (command.ConfigureAwait(false))
                {
                    foreach (LiveWrite write in writes)
                    {
                        if (gone is not null && gone.Contains(write.Id))
                        {
                            continue;
                        }

                        if (write.Tally.QuarantineRequested)
                        {
                            (quarantines ??= []).Add(write);
                        }
                        else if (!await update.ExecuteAsync(command, write.Id, write.Tally, write.Entry.Figures(_scorer), cancellationToken).ConfigureAwait(false))
                        {
                            _book.Forget(write.Id);
                        }
                    }
                }

                if (quarantines is not null)
                {
                    await QuarantineAsync(db, quarantines, now, cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Publishes the new scores, and the lifecycle's quarantines, to the upstreams' runtime state before anything is
    /// written: the selector sees them at once, without a snapshot rebuild and whether or not the database is free.
    /// </summary>
    private void PublishRuntimeState(List<LiveWrite> writes)
    {
        foreach (LiveWrite write in writes)
        {
            if (write.Tally.QuarantineRequested)
            {
                _lifecycle.ApplyLiveFaultBurst(write.Id);
            }

            if (write.Entry.IsSeeded && _runtime.TryGet(write.Id, out UpstreamRuntimeState? runtime))
            {
                runtime!.SetScore(write.Entry.Figures(_scorer).Score);
            }
        }
    }

    /// <summary>
    /// Seeds entries this process has not seeded yet from their stored figures (read without tracking); returns the
    /// ids whose row is gone, which are forgotten. Steady-state writes never get here.
    /// </summary>
    private async Task<HashSet<long>?> SeedAsync(ProxyRotatorDbContext db, List<LiveWrite> unseeded, DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<long> ids = unseeded.ConvertAll(w => w.Id);
        var stored = await db.Upstreams.AsNoTracking()
            .Where(u => ids.Contains(u.Id))
            .Select(u => new { u.Id, u.SuccessRate, u.LatencyMs, u.LastCheckedAt, u.LastUsedAt })
            .ToDictionaryAsync(u => u.Id, cancellationToken).ConfigureAwait(false);
        HashSet<long>? gone = null;
        foreach (LiveWrite write in unseeded)
        {
            if (stored.TryGetValue(write.Id, out var figures))
            {
                write.Entry.SeedOnce(UpstreamScorer.Seed(figures.SuccessRate, figures.LatencyMs, figures.LastCheckedAt ?? figures.LastUsedAt), _scorer, now);
            }
            else
            {
                _book.Forget(write.Id);
                (gone ??= []).Add(write.Id);
            }
        }

        return gone;
    }

    /// <summary>
    /// The rare write of upstreams whose live faults ask for quarantine: loads the rows, applies the figures and the
    /// lifecycle step (recording the status transition) and saves.
    /// </summary>
    private async Task QuarantineAsync(ProxyRotatorDbContext db, List<LiveWrite> writes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<long> ids = writes.ConvertAll(w => w.Id);
        Dictionary<long, UpstreamEntity> rows = await db.Upstreams.Where(u => ids.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, cancellationToken).ConfigureAwait(false);
        foreach (LiveWrite write in writes)
        {
            if (!rows.TryGetValue(write.Id, out UpstreamEntity? upstream))
            {
                _book.Forget(write.Id);
                continue;
            }

            LiveTally tally = write.Tally;
            ScoreFigures figures = write.Entry.Figures(_scorer);
            upstream.TotalRequests += tally.Requests;
            upstream.TotalFailures += tally.Failures;
            if (tally.LastUsedAt is { } used && (upstream.LastUsedAt is null || used > upstream.LastUsedAt))
            {
                upstream.LastUsedAt = used;
            }

            upstream.Score = figures.Score;
            upstream.SuccessRate = figures.SuccessRate;
            upstream.LatencyMs = figures.LatencyMs;

            LifecycleStep step = _lifecycle.ApplyLiveFaultBurst(upstream.ToHealthState(), tally.ConsecutiveLiveFaults, now);
            if (_lifecycle.Commit(upstream, step))
            {
                LogQuarantined(_logger, upstream.Id, upstream.ToMaskedUrl(), tally.ConsecutiveLiveFaults);
            }
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Upstream #{Id} {Upstream} quarantined after {Faults} consecutive live upstream faults")]
    private static partial void LogQuarantined(ILogger logger, long id, string upstream, int faults);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Error, Message = "Writing live upstream figures failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);

    /// <summary>One upstream of a batch: its in-memory entry and the live counts taken from it for this write.</summary>
    private sealed record LiveWrite(long Id, UpstreamHealthEntry Entry, LiveTally Tally);
}
