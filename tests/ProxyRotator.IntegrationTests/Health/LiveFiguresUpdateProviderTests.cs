using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health.LiveOutcomes;
using ProxyRotator.Health.Scoring;
using ProxyRotator.IntegrationTests.Store;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Store;
using ProxyRotator.Store.Entities;
using ProxyRotator.Store.Sync;
using static ProxyRotator.IntegrationTests.Store.StoreTestDatabase;

namespace ProxyRotator.IntegrationTests.Health;

/// <summary>
/// The live figures' hand-built UPDATE (SQL made from the EF model) on each provider: it adds the counts, keeps the
/// newest last use, and leaves the concurrency token alone. Runs on SQLite;
/// <see cref="LiveFiguresUpdatePostgreSqlTests"/> runs the same tests on PostgreSQL.
/// </summary>
public class LiveFiguresUpdateProviderTests
{
    protected virtual StoreProvider Provider => StoreProvider.Sqlite;

    [StoreFact]
    public async Task ExecuteAsync_TwoBatches_AddsCountsAndKeepsNewestLastUse()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        await database.Get<PoolSynchronizer>().SyncConfigAsync(
            database.Config(Pool("p", UpstreamType.Residential, Proxy("http://198.51.100.7:8000"))), CancellationToken.None);
        DateTimeOffset now = database.Time.GetUtcNow();
        long id;
        long versionBefore;
        await using (ProxyRotatorDbContext read = await database.OpenContextAsync())
        {
            UpstreamEntity row = await read.Upstreams.SingleAsync();
            (id, versionBefore) = (row.Id, row.Version);
        }

        await WriteAsync(database, id, new LiveTally(10, 2, now.AddMinutes(2), 0, false), new ScoreFigures(0.8, 0.8, 120), now);
        await WriteAsync(database, id, new LiveTally(5, 1, now.AddMinutes(1), 0, false), new ScoreFigures(0.7, 0.75, 130), now);

        await using ProxyRotatorDbContext db = await database.OpenContextAsync();
        UpstreamEntity stored = await db.Upstreams.SingleAsync();
        Assert.Equal((15L, 3L, now.AddMinutes(2)), (stored.TotalRequests, stored.TotalFailures, stored.LastUsedAt));
        Assert.Equal((0.7, 0.75, 130.0), (stored.Score, stored.SuccessRate!.Value, stored.LatencyMs!.Value));
        Assert.Equal(versionBefore, stored.Version);
    }

    private static async Task WriteAsync(StoreTestDatabase database, long id, LiveTally tally, ScoreFigures figures, DateTimeOffset now)
    {
        await using ProxyRotatorDbContext db = await database.OpenContextAsync();
        await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync();
        LiveFiguresUpdate update = LiveFiguresUpdate.Create(db);
        await using DbCommand command = update.CreateCommand(db);
        Assert.True(await update.ExecuteAsync(command, id, tally, figures, CancellationToken.None));
        await transaction.CommitAsync();
    }
}
