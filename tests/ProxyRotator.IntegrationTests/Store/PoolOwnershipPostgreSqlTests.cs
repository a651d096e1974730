using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Store;
using ProxyRotator.Store.Sync;
using static ProxyRotator.IntegrationTests.Store.StoreTestDatabase;

namespace ProxyRotator.IntegrationTests.Store;

/// <summary>
/// Every <see cref="PoolOwnershipTests"/> test against a real PostgreSQL (a fresh database each), and instances that
/// sync at the same moment: the cluster-wide sync lock lets one seed and adds each address once.
/// </summary>
[PostgresTestClass]
public sealed class PoolOwnershipPostgreSqlTests : PoolOwnershipTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    protected override StoreProvider Provider => StoreProvider.PostgreSql;

    [PostgresFact]
    public async Task SeedConfigAsync_TwoInstancesStartAtOnce_OneSeedsAndEachAddressIsAddedOnce()
    {
        await using StoreTestDatabase database = await CreateAsync(StoreProvider.PostgreSql);
        ProxyRotatorConfig config = database.Config(Pool("p", UpstreamType.Residential,
            [.. Enumerable.Range(1, 50).Select(i => Proxy($"http://198.51.100.{i}:8000"))]));
        PoolSynchronizer[] instances = [.. Enumerable.Range(0, 4).Select(_ => database.OpenInstance().GetRequiredService<PoolSynchronizer>())];

        PoolSyncResult?[] results = await Task.WhenAll(instances.Select(i => i.SeedConfigAsync(config, None)));

        Assert.Single(results, r => r is not null);
        await using ProxyRotatorDbContext db = await database.OpenContextAsync();
        Assert.Equal(50, await db.Upstreams.CountAsync());
        Assert.Equal(1, await db.Pools.CountAsync());
    }

    [PostgresFact]
    public async Task SyncConfigAsync_TwoImportsAtOnce_NoDuplicateAndNoFailure()
    {
        await using StoreTestDatabase database = await CreateAsync(StoreProvider.PostgreSql);
        ProxyRotatorConfig config = database.Config(Pool("p", UpstreamType.Residential,
            [.. Enumerable.Range(1, 50).Select(i => Proxy($"http://198.51.100.{i}:8000"))]));
        PoolSynchronizer[] instances = [.. Enumerable.Range(0, 4).Select(_ => database.OpenInstance().GetRequiredService<PoolSynchronizer>())];

        PoolSyncResult[] results = await Task.WhenAll(instances.Select(i => i.SyncConfigAsync(config, None)));

        Assert.Equal(50, results.Sum(r => r.Added));
        await using ProxyRotatorDbContext db = await database.OpenContextAsync();
        Assert.Equal(50, await db.Upstreams.CountAsync());
    }
}
