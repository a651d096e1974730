using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health.GeoVerification;
using ProxyRotator.Health.Lifecycle;
using ProxyRotator.Health.Probing;
using ProxyRotator.Health.Scoring;
using ProxyRotator.Store;
using ProxyRotator.Store.Entities;
using ProxyRotator.Store.Health;

namespace ProxyRotator.Health;

/// <summary>
/// Runs health-check passes: probes upstreams (at most <c>healthCheck.concurrency</c> at a time), and for each
/// result stores the probe in the bounded history, feeds the score, applies the lifecycle (quarantine, revival,
/// retirement — each transition stored with its reason) and verifies the exit's geography. Status, score, latency and
/// exit IP reach the selector through the upstreams' runtime state at once; results are written in batches while
/// later probes still run. The pool snapshot is rebuilt once at the end of a pass only when membership or a tag
/// changed (a retirement, a newly verified country): statuses, scores and exits alone never rebuild it.
/// Used by <c>HealthCheckJob</c>, <c>POST /api/checks</c> and <c>proxyrotator check</c>. Passes never overlap:
/// a second caller waits for the running pass to finish.
/// </summary>
public sealed partial class HealthCheckRunner : IDisposable
{
    /// <summary>Results written per database round trip.</summary>
    public const int WriteBatchSize = 100;

    private readonly IDbContextFactory<ProxyRotatorDbContext> _contextFactory;
    private readonly BoundedProber _prober;
    private readonly UpstreamLifecycle _lifecycle;
    private readonly UpstreamScorer _scorer;
    private readonly UpstreamHealthBook _book;
    private readonly ExitGeoVerifier _geo;
    private readonly HealthCheckHistory _history;
    private readonly IPoolSnapshotSource _snapshots;
    private readonly UpstreamRuntimeStates _runtime;
    private readonly TimeProvider _time;
    private readonly ILogger<HealthCheckRunner> _logger;
    private readonly SemaphoreSlim _passGate = new(1, 1);
    private long _passes;

    public HealthCheckRunner(
        IDbContextFactory<ProxyRotatorDbContext> contextFactory,
        BoundedProber prober,
        UpstreamLifecycle lifecycle,
        UpstreamScorer scorer,
        UpstreamHealthBook book,
        ExitGeoVerifier geo,
        HealthCheckHistory history,
        IPoolSnapshotSource snapshots,
        UpstreamRuntimeStates runtime,
        TimeProvider time,
        ILogger<HealthCheckRunner> logger)
    {
        _runtime = runtime;
        _contextFactory = contextFactory;
        _prober = prober;
        _lifecycle = lifecycle;
        _scorer = scorer;
        _book = book;
        _geo = geo;
        _history = history;
        _snapshots = snapshots;
        _time = time;
        _logger = logger;
    }

    /// <summary>Probes every upstream that is due: pending and active ones every interval, quarantined ones per their back-off.</summary>
    public Task<IReadOnlyList<HealthCheckOutcome>> RunDueAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        return RunAsync(q => q.Where(u => u.Status != UpstreamStatus.Retired && (u.NextCheckAt == null || u.NextCheckAt <= now)), cancellationToken);
    }

    /// <summary>Probes every non-retired upstream now, due or not (optionally one pool only).</summary>
    public Task<IReadOnlyList<HealthCheckOutcome>> RunAllAsync(string? pool, CancellationToken cancellationToken) =>
        RunAsync(q =>
        {
            q = q.Where(u => u.Status != UpstreamStatus.Retired);
            return string.IsNullOrEmpty(pool) ? q : q.Where(u => u.Pool!.Name == pool);
        }, cancellationToken);

    /// <summary>Probes one upstream now, whatever its status; null when it does not exist.</summary>
    public async Task<HealthCheckOutcome?> CheckOneAsync(long upstreamId, CancellationToken cancellationToken)
    {
        IReadOnlyList<HealthCheckOutcome> outcomes = await RunAsync(q => q.Where(u => u.Id == upstreamId), cancellationToken).ConfigureAwait(false);
        return outcomes.Count > 0 ? outcomes[0] : null;
    }

    public void Dispose() => _passGate.Dispose();

    private async Task<IReadOnlyList<HealthCheckOutcome>> RunAsync(
        Func<IQueryable<UpstreamEntity>, IQueryable<UpstreamEntity>> filter,
        CancellationToken cancellationToken)
    {
        await _passGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            (List<ProbeTarget> targets, List<ProbeTarget> countryProbes) = await LoadTargetsAsync(filter, Interlocked.Increment(ref _passes), cancellationToken)
                .ConfigureAwait(false);
            if (targets.Count == 0)
            {
                return [];
            }

            var results = Channel.CreateUnbounded<ProbedUpstream>(new UnboundedChannelOptions { SingleReader = true });
            var outcomes = new List<HealthCheckOutcome>(targets.Count);
            var pass = new PassState();
            Task writer = WriteResultsAsync(results.Reader, outcomes, pass, cancellationToken);
            try
            {
                await _prober.ProbeAllAsync(targets, (target, result, ct) =>
                    results.Writer.WriteAsync(new ProbedUpstream(target, result, _time.GetUtcNow()), ct), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                results.Writer.TryComplete();
                await writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            await writer.ConfigureAwait(false);
            if (pass.RefreshPending)
            {
                await _snapshots.RefreshAsync(cancellationToken).ConfigureAwait(false);
            }

            if (countryProbes.Count > 0)
            {
                await _prober.ProbeAllAsync(countryProbes, (target, result, _) =>
                {
                    RecordCountryProbe(target, result);
                    return ValueTask.CompletedTask;
                }, cancellationToken).ConfigureAwait(false);
            }

            LogPass(_logger, outcomes.Count, outcomes.Count(o => o.Success), outcomes.Count(o => o.StatusChanged));
            return outcomes;
        }
        finally
        {
            _passGate.Release();
        }
    }

    /// <summary>
    /// The upstreams to probe, and the country probes of backconnect upstreams (a sample that rotates with
    /// <paramref name="pass"/>). A backconnect upstream's probes carry its dialect's credentials, as its traffic does.
    /// </summary>
    private async Task<(List<ProbeTarget> Targets, List<ProbeTarget> CountryProbes)> LoadTargetsAsync(
        Func<IQueryable<UpstreamEntity>, IQueryable<UpstreamEntity>> filter,
        long pass,
        CancellationToken cancellationToken)
    {
        ProxyRotatorDbContext db = await _contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await filter(db.Upstreams.AsNoTracking())
                .OrderBy(u => u.Id)
                .Select(u => new { u.Id, u.Scheme, u.Host, u.Port, u.Username, u.Password, u.Type, u.Dialect, u.DialectTemplate, u.Countries, u.Status })
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var targets = new List<ProbeTarget>(rows.Count);
            var countryProbes = new List<ProbeTarget>();
            foreach (var row in rows)
            {
                var endpoint = new UpstreamEndpoint(row.Scheme, row.Host, row.Port, row.Username, row.Password);
                if (row.Dialect is null
                    || !BackconnectUpstream.TryCreate(row.Dialect, row.DialectTemplate, row.Countries, null, out BackconnectUpstream? backconnect, out _))
                {
                    targets.Add(new ProbeTarget(row.Id, endpoint) { IsBackconnect = row.Dialect is not null });
                    continue;
                }

                targets.Add(new ProbeTarget(row.Id, BackconnectProbePlanner.BaseEndpoint(endpoint, row.Type, backconnect) ?? endpoint) { IsBackconnect = true });
                if (row.Status != UpstreamStatus.Active)
                {
                    continue; // countries are sampled once the gateway itself answers
                }

                foreach (string country in BackconnectProbePlanner.Sample(backconnect.Countries, pass))
                {
                    if (BackconnectProbePlanner.Endpoint(endpoint, row.Type, backconnect, country) is { } targeted)
                    {
                        countryProbes.Add(new ProbeTarget(row.Id, targeted) { Country = country, IsBackconnect = true });
                    }
                }
            }

            return (targets, countryProbes);
        }
    }

    /// <summary>
    /// A country probe of a backconnect upstream: it passes when the probe succeeded and GeoIP places the exit in the
    /// country (an exit GeoIP does not know passes on the probe alone). Kept per (upstream, country) in memory.
    /// </summary>
    private void RecordCountryProbe(ProbeTarget target, ProbeResult result)
    {
        if (target.Country is not { } country || !_snapshots.Current.TryGet(target.UpstreamId, out UpstreamProxy? upstream) || upstream!.Backconnect is not { } backconnect)
        {
            return;
        }

        string? error = result.Success ? null : $"{result.ErrorKind}: {result.Error}";
        if (result.Success && result.ExitIp is { } exitIp && _geo.CountryOf(exitIp) is { } actual && !string.Equals(actual, country, StringComparison.OrdinalIgnoreCase))
        {
            error = $"asked for {country}, the exit {exitIp} is in {actual}";
        }

        backconnect.Health.Record(country, error is null, error, _time.GetUtcNow());
        if (error is not null)
        {
            LogCountryProbeFailed(_logger, upstream.Id, country, error);
        }
    }


    private async Task WriteResultsAsync(
        ChannelReader<ProbedUpstream> reader,
        List<HealthCheckOutcome> outcomes,
        PassState pass,
        CancellationToken cancellationToken)
    {
        var batch = new List<ProbedUpstream>(WriteBatchSize);
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < WriteBatchSize && reader.TryRead(out ProbedUpstream? item))
            {
                batch.Add(item);
            }

            // Status and figures reached the runtime state while the batch was applied; only a membership or tag
            // change (a retirement, a newly verified country) needs the snapshot rebuilt, once at the end of the pass.
            pass.RefreshPending |= await WriteBatchAsync(batch, outcomes, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes one batch of probe results. A row that another writer changed since it was read (an operator's retire,
    /// live quarantine, another instance) makes the save fail on the upstream's concurrency token; the batch is then
    /// read and applied again on top of that change instead of overwriting it.
    /// </summary>
    /// <returns>True when membership or a tag changed: a retirement, or a verified country (which the snapshot indexes).</returns>
    private async Task<bool> WriteBatchAsync(List<ProbedUpstream> batch, List<HealthCheckOutcome> outcomes, CancellationToken cancellationToken)
    {
        var written = new List<HealthCheckOutcome>(batch.Count);
        var recorded = new HashSet<long>(); // a retried batch must not count its probes in the score twice
        bool tagsChanged = await OptimisticConcurrency.RetryAsync(ct =>
        {
            written.Clear();
            return WriteBatchOnceAsync(batch, written, recorded, ct);
        }, cancellationToken).ConfigureAwait(false);
        outcomes.AddRange(written);
        return tagsChanged;
    }

    private async Task<bool> WriteBatchOnceAsync(
        List<ProbedUpstream> batch, List<HealthCheckOutcome> outcomes, HashSet<long> recorded, CancellationToken cancellationToken)
    {
        long[] ids = [.. batch.Select(b => b.Target.UpstreamId).Distinct()];
        bool tagsChanged = false;
        ProxyRotatorDbContext db = await _contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            Dictionary<long, UpstreamEntity> rows = await db.Upstreams.Include(u => u.Pool).Where(u => ids.Contains(u.Id))
                .ToDictionaryAsync(u => u.Id, cancellationToken).ConfigureAwait(false);
            Dictionary<long, List<string>> recentExits = await LoadRecentExitsAsync(db, ids, cancellationToken).ConfigureAwait(false);

            foreach (ProbedUpstream probed in batch)
            {
                if (!rows.TryGetValue(probed.Target.UpstreamId, out UpstreamEntity? upstream))
                {
                    continue; // deleted while being probed
                }

                string? countryBefore = upstream.VerifiedCountry;
                HealthCheckOutcome outcome = Apply(upstream, probed, recentExits.GetValueOrDefault(upstream.Id) ?? [], db, recorded.Add(upstream.Id));
                // A retirement leaves the pool; a newly verified country is a tag the snapshot indexes.
                tagsChanged |= (outcome.StatusChanged && outcome.Status == UpstreamStatus.Retired)
                    || !string.Equals(countryBefore, upstream.VerifiedCountry, StringComparison.Ordinal);
                outcomes.Add(outcome);
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);

            // One query finds the upstreams whose history outgrew its bound; only those are trimmed.
            List<long> overfull = await db.HealthCheckResults.AsNoTracking()
                .Where(r => ids.Contains(r.UpstreamId))
                .GroupBy(r => r.UpstreamId)
                .Where(g => g.Count() > _history.Limit)
                .Select(g => g.Key)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            if (overfull.Count > 0)
            {
                await _history.TrimAsync(db, overfull, cancellationToken).ConfigureAwait(false);
            }
        }

        return tagsChanged;
    }

    private HealthCheckOutcome Apply(UpstreamEntity upstream, ProbedUpstream probed, List<string> recentExits, ProxyRotatorDbContext db, bool record)
    {
        ProbeResult result = probed.Result;
        DateTimeOffset at = probed.CheckedAt;
        UpstreamStatus previousStatus = upstream.Status;

        UpstreamHealthEntry entry = _book.Get(upstream.Id);
        entry.SeedOnce(UpstreamScorer.Seed(upstream.SuccessRate, upstream.LatencyMs, upstream.LastCheckedAt), _scorer, at);
        ScoreFigures figures = record ? entry.RecordProbe(_scorer, result.Success, result.Latency, at) : entry.Figures(_scorer);
        upstream.Score = figures.Score;
        upstream.SuccessRate = figures.SuccessRate;
        upstream.LatencyMs = figures.LatencyMs;
        upstream.LastCheckedAt = at;

        string? error = result.Success ? null : $"{result.ErrorKind}: {result.Error}";
        LifecycleStep step = _lifecycle.ApplyProbe(upstream.ToHealthState(), result.Success, at, error);
        if (_lifecycle.Commit(upstream, step))
        {
            LogTransition(_logger, upstream.Id, upstream.ToMaskedUrl(), previousStatus, upstream.Status, step.Transition!.Reason);
        }

        if (result.Success && result.ExitIp is { } vendorExit && probed.Target.IsBackconnect)
        {
            // A vendor gateway exits through a changing set of addresses by design: never flagged as rotating, and no
            // single verified country (country probes verify each country it serves).
            upstream.ExitIp = vendorExit;
            upstream.IsRotatingExit = false;
            upstream.VerifiedCountry = null;
            upstream.GeoMismatch = null;
        }
        else if (result.Success && result.ExitIp is { } exitIp)
        {
            GeoVerdict verdict = _geo.Verify(
                new GeoSubject(upstream.DeclaredCountry, upstream.Type, upstream.ExitIp, upstream.VerifiedCountry, upstream.ConnectionType, recentExits),
                exitIp);
            upstream.ExitIp = exitIp;
            upstream.ExitIpChanges += verdict.ExitChanged ? 1 : 0;
            upstream.IsRotatingExit = verdict.IsRotatingExit;
            upstream.VerifiedCountry = verdict.VerifiedCountry;
            upstream.ConnectionType = verdict.ConnectionType;
            upstream.GeoMismatch = verdict.GeoMismatch;
            upstream.ConnectionTypeMismatch = verdict.ConnectionTypeMismatch;
        }
        else
        {
            upstream.LastError = error;
        }

        if (upstream.Status == UpstreamStatus.Retired)
        {
            _book.Forget(upstream.Id);
        }

        if (_runtime.TryGet(upstream.Id, out UpstreamRuntimeState? runtime))
        {
            runtime!.SetHealth(upstream.Score, upstream.LatencyMs, upstream.ConsecutiveFailures);
            runtime.SetExitIp(upstream.ExitIp);
        }

        db.HealthCheckResults.Add(new HealthCheckResultEntity
        {
            UpstreamId = upstream.Id,
            CheckedAt = at,
            Success = result.Success,
            LatencyMs = result.Latency.TotalMilliseconds,
            ExitIp = result.ExitIp,
            ErrorKind = result.Success ? null : result.ErrorKind.ToString(),
            Error = result.Error,
        });

        return new HealthCheckOutcome(
            upstream.Id,
            upstream.Pool?.Name ?? string.Empty,
            upstream.ToMaskedUrl(),
            result.Success,
            result.Latency.TotalMilliseconds,
            result.ExitIp,
            result.ErrorKind,
            result.Error,
            previousStatus,
            upstream.Status,
            upstream.Score,
            upstream.VerifiedCountry,
            upstream.ConnectionType,
            at);
    }

    /// <summary>Exit addresses of each upstream's recent successful probes, newest first.</summary>
    private static async Task<Dictionary<long, List<string>>> LoadRecentExitsAsync(ProxyRotatorDbContext db, long[] ids, CancellationToken cancellationToken)
    {
        var rows = await db.HealthCheckResults.AsNoTracking()
            .Where(r => ids.Contains(r.UpstreamId) && r.Success && r.ExitIp != null)
            .OrderByDescending(r => r.Id)
            .Select(r => new { r.UpstreamId, r.ExitIp })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var byUpstream = new Dictionary<long, List<string>>();
        foreach (var row in rows)
        {
            if (!byUpstream.TryGetValue(row.UpstreamId, out List<string>? list))
            {
                byUpstream[row.UpstreamId] = list = [];
            }

            if (list.Count < ExitGeoVerifier.RecentWindow - 1)
            {
                list.Add(row.ExitIp!);
            }
        }

        return byUpstream;
    }

    private sealed record ProbedUpstream(ProbeTarget Target, ProbeResult Result, DateTimeOffset CheckedAt);

    private sealed class PassState
    {
        /// <summary>Membership or a tag changed since the last snapshot refresh.</summary>
        public bool RefreshPending { get; set; }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Upstream #{Id} {Upstream}: {From} -> {To} ({Reason})")]
    private static partial void LogTransition(ILogger logger, long id, string upstream, UpstreamStatus from, UpstreamStatus to, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Health-check pass: {Checked} checked, {Healthy} healthy, {Changed} status changes")]
    private static partial void LogPass(ILogger logger, int @checked, int healthy, int changed);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Backconnect upstream #{Id} failed its country probe for {Country}: {Error}")]
    private static partial void LogCountryProbeFailed(ILogger logger, long id, string country, string error);
}
