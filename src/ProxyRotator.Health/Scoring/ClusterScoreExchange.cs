using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using ProxyRotator.Core.Cluster;
using ProxyRotator.Core.Pool;
using ProxyRotator.Store;

namespace ProxyRotator.Health.Scoring;

/// <summary>
/// Combines the scores of several instances (PostgreSQL). Every <see cref="Interval"/> each instance upserts its own
/// observations of the upstreams it used or probed since the last round (decayed sums, one row per instance and
/// upstream in <c>UpstreamInstanceScores</c>), reads the rows the other instances changed, and gives each upstream's
/// entry the others' sums added up (<see cref="UpstreamHealthEntry.SetOthers"/>): the score the selector reads and
/// the score written to the upstream row are then computed from all instances' traffic, instead of each instance
/// overwriting the row with the score of its own share. A stopped instance's rows fade by decay and are deleted
/// after <see cref="RowRetention"/>.
/// </summary>
public sealed partial class ClusterScoreExchange(
    StoreDatabase database,
    UpstreamHealthBook book,
    UpstreamScorer scorer,
    IPoolSnapshotSource snapshots,
    ClusterInstance instance,
    TimeProvider time,
    ILogger<ClusterScoreExchange> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan RowRetention = TimeSpan.FromDays(1);

    private readonly NpgsqlDataSource _dataSource = new NpgsqlDataSourceBuilder(database.ConnectionString).Build();
    private readonly Dictionary<(string Instance, long Upstream), ScoreState> _others = [];
    private long _readSince;
    private long _nextTrim;

    /// <summary>Runs one round now: write own changes, read the others', apply. Returns the upstreams whose combined score was applied.</summary>
    public async Task<int> ExchangeAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await WriteOwnAsync(connection, now, cancellationToken).ConfigureAwait(false);
        HashSet<long> changed = await ReadOthersAsync(connection, now, cancellationToken).ConfigureAwait(false);
        if (now.UtcTicks >= _nextTrim)
        {
            await using NpgsqlCommand trim = new("""DELETE FROM "UpstreamInstanceScores" WHERE "UpdatedAt" < $1""", connection);
            trim.Parameters.Add(new NpgsqlParameter { Value = (now - RowRetention).UtcTicks });
            await trim.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _nextTrim = (now + TimeSpan.FromMinutes(10)).UtcTicks;
        }

        return Apply(changed, now);
    }

    public override void Dispose()
    {
        base.Dispose();
        _dataSource.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await ExchangeAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
                {
                    // Scores stay this instance's own until the database answers again.
                    LogFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    private async Task WriteOwnAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach ((long id, UpstreamHealthEntry entry) in book.Entries)
        {
            if (entry.TakeOwnIfChanged() is not { } own)
            {
                continue;
            }

            ScoreState d = scorer.Decay(own, now);
            var upsert = new NpgsqlBatchCommand("""
                INSERT INTO "UpstreamInstanceScores" ("InstanceId", "UpstreamId", "SuccessSum", "OutcomeWeight", "LatencySumMs", "LatencyWeight", "UpdatedAt")
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT ("InstanceId", "UpstreamId") DO UPDATE SET "SuccessSum" = excluded."SuccessSum", "OutcomeWeight" = excluded."OutcomeWeight",
                    "LatencySumMs" = excluded."LatencySumMs", "LatencyWeight" = excluded."LatencyWeight", "UpdatedAt" = excluded."UpdatedAt"
                """);
            upsert.Parameters.Add(new NpgsqlParameter { Value = instance.Id });
            upsert.Parameters.Add(new NpgsqlParameter { Value = id });
            upsert.Parameters.Add(new NpgsqlParameter { Value = d.SuccessSum });
            upsert.Parameters.Add(new NpgsqlParameter { Value = d.OutcomeWeight });
            upsert.Parameters.Add(new NpgsqlParameter { Value = d.LatencySumMs });
            upsert.Parameters.Add(new NpgsqlParameter { Value = d.LatencyWeight });
            upsert.Parameters.Add(new NpgsqlParameter { Value = now.UtcTicks });
            batch.BatchCommands.Add(upsert);
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the other instances' rows written since the last read (with a margin for clock skew); returns the upstreams they touch.</summary>
    private async Task<HashSet<long>> ReadOthersAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var changed = new HashSet<long>();
        await using NpgsqlCommand read = new("""
            SELECT "InstanceId", "UpstreamId", "SuccessSum", "OutcomeWeight", "LatencySumMs", "LatencyWeight", "UpdatedAt"
            FROM "UpstreamInstanceScores" WHERE "InstanceId" <> $1 AND "UpdatedAt" >= $2
            """, connection);
        read.Parameters.Add(new NpgsqlParameter { Value = instance.Id });
        read.Parameters.Add(new NpgsqlParameter { Value = _readSince });
        await using (NpgsqlDataReader reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                long upstream = reader.GetInt64(1);
                _others[(reader.GetString(0), upstream)] = new ScoreState(
                    reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5),
                    new DateTimeOffset(reader.GetInt64(6), TimeSpan.Zero));
                changed.Add(upstream);
            }
        }

        _readSince = (now - TimeSpan.FromSeconds(30)).UtcTicks;
        return changed;
    }

    private int Apply(HashSet<long> changed, DateTimeOffset now)
    {
        if (changed.Count == 0)
        {
            return 0;
        }

        var sums = new Dictionary<long, ScoreState>(changed.Count);
        foreach (((string _, long upstream), ScoreState state) in _others)
        {
            if (!changed.Contains(upstream))
            {
                continue;
            }

            ScoreState d = scorer.Decay(state, now);
            sums[upstream] = sums.TryGetValue(upstream, out ScoreState sum)
                ? new ScoreState(sum.SuccessSum + d.SuccessSum, sum.OutcomeWeight + d.OutcomeWeight,
                    sum.LatencySumMs + d.LatencySumMs, sum.LatencyWeight + d.LatencyWeight, now)
                : d;
        }

        PoolSnapshot snapshot = snapshots.Current;
        foreach ((long upstream, ScoreState others) in sums)
        {
            UpstreamHealthEntry entry = book.Get(upstream);
            entry.SetOthers(others);
            if (snapshot.TryGet(upstream, out UpstreamProxy? proxy))
            {
                proxy!.Runtime.SetScore(entry.Figures(scorer).Score);
            }
        }

        return sums.Count;
    }

    [LoggerMessage(EventId = 4301, Level = LogLevel.Warning, Message = "Exchanging scores with the other instances failed; retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
