using Microsoft.EntityFrameworkCore;
using ProxyRotator.Core.Pool;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Store;
using ProxyRotator.Store.Entities;
using ProxyRotator.Store.Sync;
using static ProxyRotator.IntegrationTests.Store.StoreTestDatabase;

namespace ProxyRotator.IntegrationTests.Store;

/// <summary>
/// The upstream row's <see cref="UpstreamEntity.Version"/> token: two writers that read the same version cannot
/// both save, and <see cref="OptimisticConcurrency.RetryAsync"/> re-applies the loser on top of the winner.
/// Runs on SQLite; <see cref="UpstreamConcurrencyPostgreSqlTests"/> runs the same tests on PostgreSQL.
/// </summary>
public class UpstreamConcurrencyTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    protected virtual StoreProvider Provider => StoreProvider.Sqlite;

    [StoreFact]
    public async Task SaveChangesAsync_ModifiedRow_RaisesVersion()
    {
        await using StoreTestDatabase database = await CreateWithOneUpstreamAsync();
        long before = await ReadVersionAsync(database);

        await using (ProxyRotatorDbContext db = await database.OpenContextAsync())
        {
            UpstreamEntity upstream = await db.Upstreams.SingleAsync();
            upstream.ChangeStatus(UpstreamStatus.Active, "checked", database.Time.GetUtcNow());
            await db.SaveChangesAsync();
        }

        Assert.Equal(before + 1, await ReadVersionAsync(database));
    }

    [StoreFact]
    public async Task SaveChangesAsync_RowChangedByAnotherWriterSinceRead_ThrowsAndKeepsTheOtherWrite()
    {
        await using StoreTestDatabase database = await CreateWithOneUpstreamAsync();
        await using ProxyRotatorDbContext healthPass = await database.OpenContextAsync();
        await using ProxyRotatorDbContext operatorAction = await database.OpenContextAsync();
        UpstreamEntity seenByHealth = await healthPass.Upstreams.SingleAsync();
        UpstreamEntity seenByOperator = await operatorAction.Upstreams.SingleAsync();

        seenByOperator.ChangeStatus(UpstreamStatus.Retired, "retired by operator", database.Time.GetUtcNow());
        await operatorAction.SaveChangesAsync();
        seenByHealth.ChangeStatus(UpstreamStatus.Active, "probe succeeded", database.Time.GetUtcNow());

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => healthPass.SaveChangesAsync());
        Assert.Equal(UpstreamStatus.Retired, await ReadStatusAsync(database));
    }

    [StoreFact]
    public async Task RetryAsync_ConflictOnFirstAttempt_ReappliesOnTopOfTheOtherWrite()
    {
        await using StoreTestDatabase database = await CreateWithOneUpstreamAsync();
        int attempts = 0;

        long score = await OptimisticConcurrency.RetryAsync(async ct =>
        {
            attempts++;
            await using ProxyRotatorDbContext db = await database.OpenContextAsync();
            UpstreamEntity upstream = await db.Upstreams.SingleAsync(ct);
            if (attempts == 1)
            {
                // Another writer (an operator's retire) lands between this attempt's read and its save.
                await using ProxyRotatorDbContext other = await database.OpenContextAsync();
                UpstreamEntity row = await other.Upstreams.SingleAsync(ct);
                row.ChangeStatus(UpstreamStatus.Retired, "retired by operator", database.Time.GetUtcNow());
                await other.SaveChangesAsync(ct);
            }

            upstream.Score = 0.9;
            await db.SaveChangesAsync(ct);
            return upstream.Version;
        }, None);

        Assert.Equal(2, attempts);
        await using ProxyRotatorDbContext check = await database.OpenContextAsync();
        UpstreamEntity stored = await check.Upstreams.SingleAsync();
        Assert.Equal((UpstreamStatus.Retired, 0.9, score), (stored.Status, stored.Score, stored.Version));
    }

    [StoreFact]
    public async Task RetryAsync_ConflictEveryTime_GivesUpAfterMaxAttempts()
    {
        int attempts = 0;

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => OptimisticConcurrency.RetryAsync<int>(_ =>
        {
            attempts++;
            throw new DbUpdateConcurrencyException("conflict");
        }, None));

        Assert.Equal(OptimisticConcurrency.MaxAttempts, attempts);
    }

    private async Task<StoreTestDatabase> CreateWithOneUpstreamAsync()
    {
        StoreTestDatabase database = await CreateAsync(Provider);
        await database.Get<PoolSynchronizer>().SyncConfigAsync(
            database.Config(Pool("p", UpstreamType.Residential, Proxy("http://198.51.100.7:8000"))), None);
        return database;
    }

    private static async Task<long> ReadVersionAsync(StoreTestDatabase database)
    {
        await using ProxyRotatorDbContext db = await database.OpenContextAsync();
        return await db.Upstreams.Select(u => u.Version).SingleAsync();
    }

    private static async Task<UpstreamStatus> ReadStatusAsync(StoreTestDatabase database)
    {
        await using ProxyRotatorDbContext db = await database.OpenContextAsync();
        return await db.Upstreams.Select(u => u.Status).SingleAsync();
    }
}
