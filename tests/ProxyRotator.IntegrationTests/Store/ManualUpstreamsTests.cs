using Microsoft.EntityFrameworkCore;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Store;
using ProxyRotator.Store.Entities;
using ProxyRotator.Store.Snapshots;
using ProxyRotator.Store.Sync;
using static ProxyRotator.IntegrationTests.Store.StoreTestDatabase;

namespace ProxyRotator.IntegrationTests.Store;

public sealed class ManualUpstreamsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task AddAsync_NewAddress_AddsPendingAdminUpstreamThatConfigSyncKeeps()
    {
        await using StoreTestDatabase database = await CreateAsync();
        ProxyRotatorConfig config = await SeedAsync(database);

        (UpstreamEntity added, bool created) = await database.Get<ManualUpstreams>().AddAsync(
            "p", new DiscoveredUpstream(Endpoint("socks5://u:pw@203.0.113.5:1080"), UpstreamType.Mobile, "pl"), None);
        PoolSyncResult resync = await database.Get<PoolSynchronizer>().SyncConfigAsync(config, None);

        Assert.True(created);
        Assert.Equal((ManualUpstreams.AdminSource, UpstreamStatus.Pending, UpstreamType.Mobile, "PL"), (added.Source, added.Status, added.Type, added.DeclaredCountry));
        Assert.Equal(PoolSyncResult.None, resync);
        Assert.Contains(database.Get<StorePoolSnapshotSource>().Current.All, u => u.Id == added.Id);
    }

    [Fact]
    public async Task AddAsync_LiveAddress_ReturnsExistingUnchanged()
    {
        await using StoreTestDatabase database = await CreateAsync();
        await SeedAsync(database);

        (UpstreamEntity existing, bool created) = await database.Get<ManualUpstreams>().AddAsync(
            "p", new DiscoveredUpstream(Endpoint("http://198.51.100.7:8000"), UpstreamType.Mobile), None);

        Assert.False(created);
        Assert.Equal((UpstreamEntity.ConfigSource, UpstreamType.Residential), (existing.Source, existing.Type));
    }

    [Fact]
    public async Task RetireAsync_Existing_RetiresAndLeavesSnapshot()
    {
        await using StoreTestDatabase database = await CreateAsync();
        await SeedAsync(database);
        var snapshots = database.Get<StorePoolSnapshotSource>();
        long id = Assert.Single(snapshots.Current.All).Id;

        bool found = await database.Get<ManualUpstreams>().RetireAsync(id, ManualUpstreams.RetiredByOperatorReason, None);

        Assert.True(found);
        Assert.Empty(snapshots.Current.All);
        await using ProxyRotatorDbContext db = await database.OpenContextAsync();
        UpstreamEntity retired = await db.Upstreams.SingleAsync(u => u.Id == id);
        Assert.Equal((UpstreamStatus.Retired, ManualUpstreams.RetiredByOperatorReason), (retired.Status, retired.StatusReason));
        Assert.False(await database.Get<ManualUpstreams>().RetireAsync(id + 1000, "x", None));
    }

    private static async Task<ProxyRotatorConfig> SeedAsync(StoreTestDatabase database)
    {
        ProxyRotatorConfig config = database.Config(Pool("p", UpstreamType.Residential, Proxy("http://198.51.100.7:8000")));
        await database.Get<PoolSynchronizer>().SyncConfigAsync(config, None);
        await database.Get<StorePoolSnapshotSource>().RefreshAsync(None);
        return config;
    }
}
