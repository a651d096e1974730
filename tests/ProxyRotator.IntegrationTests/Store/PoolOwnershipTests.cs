using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Pool;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Store;
using ProxyRotator.Store.Sync;
using static ProxyRotator.IntegrationTests.Store.StoreTestDatabase;

namespace ProxyRotator.IntegrationTests.Store;

/// <summary>
/// Who owns the pool when instances share a database: the first start seeds it, a later instance with another
/// file changes nothing, and <c>import</c> (<see cref="PoolSynchronizer.SyncConfigAsync"/>) applies a file in full.
/// Runs on SQLite; <see cref="PoolOwnershipPostgreSqlTests"/> runs the same tests on PostgreSQL.
/// </summary>
public class PoolOwnershipTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    protected virtual StoreProvider Provider => StoreProvider.Sqlite;

    [StoreFact]
    public async Task SeedConfigAsync_EmptyDatabase_AppliesTheFile()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);

        PoolSyncResult? result = await database.Get<PoolSynchronizer>().SeedConfigAsync(
            database.Config(Pool("p", UpstreamType.Residential, Proxy("http://198.51.100.7:8000"), Proxy("http://198.51.100.8:8000"))), None);

        Assert.NotNull(result);
        Assert.Equal(2, result.Added);
        Assert.Equal(2, await CountAsync(database, UpstreamStatus.Pending));
    }

    [StoreFact]
    public async Task SeedConfigAsync_DatabaseSeededByAnotherInstance_RetiresNothingItDoesNotKnow()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        await database.Get<PoolSynchronizer>().SeedConfigAsync(
            database.Config(Pool("p", UpstreamType.Residential, Proxy("http://198.51.100.7:8000"), Proxy("http://198.51.100.8:8000"))), None);
        PoolSynchronizer otherInstance = database.OpenInstance().GetRequiredService<PoolSynchronizer>();

        PoolSyncResult? result = await otherInstance.SeedConfigAsync(
            database.Config(Pool("p", UpstreamType.Residential, Proxy("http://198.51.100.9:8000"))), None);

        Assert.Null(result);
        Assert.Equal(2, await CountAsync(database, UpstreamStatus.Pending));
        Assert.Equal(0, await CountAsync(database, UpstreamStatus.Retired));
    }

    [StoreFact]
    public async Task SyncConfigAsync_ImportAfterSeed_AppliesTheFileInFull()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        await database.Get<PoolSynchronizer>().SeedConfigAsync(
            database.Config(Pool("p", UpstreamType.Residential, Proxy("http://198.51.100.7:8000"), Proxy("http://198.51.100.8:8000"))), None);

        PoolSyncResult result = await database.OpenInstance().GetRequiredService<PoolSynchronizer>().SyncConfigAsync(
            database.Config(Pool("p", UpstreamType.Residential, Proxy("http://198.51.100.7:8000"))), None);

        Assert.Equal(new PoolSyncResult(0, 0, 1), result);
        Assert.Equal(1, await CountAsync(database, UpstreamStatus.Retired));
    }

    private static async Task<int> CountAsync(StoreTestDatabase database, UpstreamStatus status)
    {
        await using ProxyRotatorDbContext db = await database.OpenContextAsync();
        return await db.Upstreams.CountAsync(u => u.Status == status);
    }
}
