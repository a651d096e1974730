using ProxyRotator.Store;
using ProxyRotator.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ProxyRotator.Core.Pool;
using ProxyRotator.Store.Snapshots;
using ProxyRotator.Store.Sync;
using static ProxyRotator.IntegrationTests.Store.StoreTestDatabase;

namespace ProxyRotator.IntegrationTests.Store;

/// <summary>Runs on SQLite; <see cref="StorePoolSnapshotSourcePostgreSqlTests"/> runs the same tests on PostgreSQL.</summary>
public class StorePoolSnapshotSourceTests
{
    /// <summary>The provider every test of this class runs on.</summary>
    protected virtual StoreProvider Provider => StoreProvider.Sqlite;

    private static readonly CancellationToken None = CancellationToken.None;

    [StoreFact]
    public async Task RefreshAsync_AfterSync_HoldsNonRetiredUpstreamsWithTheirFacts()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        var synchronizer = database.Get<PoolSynchronizer>();
        await synchronizer.SyncConfigAsync(database.Config(Pool("res", UpstreamType.Residential,
            Proxy("http://u:secret@198.51.100.7:8000", country: "de", city: "berlin"), Proxy("socks5://198.51.100.8:1080"))), None);
        await synchronizer.SyncConfigAsync(database.Config(Pool("res", UpstreamType.Residential,
            Proxy("http://u:secret@198.51.100.7:8000", country: "de", city: "berlin"))), None);
        var source = database.Get<StorePoolSnapshotSource>();

        await source.RefreshAsync(None);

        UpstreamProxy upstream = Assert.Single(source.Current.All);
        Assert.Equal(("res", UpstreamType.Residential, UpstreamStatus.Pending, "DE", "berlin", 0.5),
            (upstream.PoolName, upstream.Type, upstream.Status, upstream.EffectiveCountry, upstream.City, upstream.Score));
        Assert.Equal(new UpstreamEndpoint(UpstreamScheme.Http, "198.51.100.7", 8000, "u", "secret"), upstream.Endpoint);
        Assert.True(source.Current.TryGet(upstream.Id, out UpstreamProxy? byId));
        Assert.Same(upstream, byId);
    }

    [StoreFact]
    public async Task RefreshAsync_Twice_KeepsRuntimeStateAndIncreasesVersion()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        await database.Get<PoolSynchronizer>().SyncConfigAsync(database.Config(Pool("p", UpstreamType.Residential,
            Proxy("http://198.51.100.7:8000"), Proxy("http://198.51.100.8:8000"))), None);
        var source = database.Get<StorePoolSnapshotSource>();
        await source.RefreshAsync(None);
        PoolSnapshot first = source.Current;
        first.All[0].Runtime.Enter();

        await source.RefreshAsync(None);

        PoolSnapshot second = source.Current;
        Assert.True(second.Version > first.Version);
        Assert.NotSame(first, second);
        foreach (UpstreamProxy upstream in second.All)
        {
            Assert.True(first.TryGet(upstream.Id, out UpstreamProxy? before));
            Assert.Same(before!.Runtime, upstream.Runtime);
        }

        Assert.Equal(1, second.All[0].Runtime.InFlight);
    }

    [StoreFact]
    public async Task RefreshIfChangedAsync_NothingChanged_KeepsSnapshot()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        var synchronizer = database.Get<PoolSynchronizer>();
        await synchronizer.SyncConfigAsync(database.Config(Pool("p", UpstreamType.Residential, Proxy("http://198.51.100.7:8000"))), None);
        var source = database.Get<StorePoolSnapshotSource>();
        await source.RefreshAsync(None);
        PoolSnapshot built = source.Current;

        bool rebuilt = await source.RefreshIfChangedAsync(None);

        Assert.False(rebuilt);
        Assert.Same(built, source.Current);
    }

    [StoreFact]
    public async Task RefreshIfChangedAsync_ChangeByAnotherInstance_Rebuilds()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        await database.Get<PoolSynchronizer>().SyncConfigAsync(database.Config(Pool("p", UpstreamType.Residential, Proxy("http://198.51.100.7:8000"))), None);
        var source = database.Get<StorePoolSnapshotSource>();
        await source.RefreshAsync(None);
        IServiceProvider other = database.OpenInstance();
        database.Time.Advance(TimeSpan.FromSeconds(1));
        await other.GetRequiredService<PoolSynchronizer>().SyncConfigAsync(database.Config(Pool("p", UpstreamType.Residential,
            Proxy("http://198.51.100.7:8000", country: "FR"))), None);

        bool rebuilt = await source.RefreshIfChangedAsync(None);

        Assert.True(rebuilt);
        Assert.Equal("FR", Assert.Single(source.Current.All).DeclaredCountry);
    }

    [StoreFact]
    public async Task SyncConfigAsync_SnapshotInUse_RefreshesItAtOnce()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        var source = database.Get<StorePoolSnapshotSource>();
        await source.RefreshAsync(None);

        await database.Get<PoolSynchronizer>().SyncConfigAsync(database.Config(Pool("p", UpstreamType.Residential, Proxy("http://198.51.100.7:8000"))), None);

        Assert.Single(source.Current.All);
    }

    [StoreFact]
    public async Task PoolSnapshotRefresher_Started_BuildsFirstSnapshotThenPicksUpChangesEachInterval()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        await database.Get<PoolSynchronizer>().SyncConfigAsync(database.Config(Pool("p", UpstreamType.Residential, Proxy("http://198.51.100.7:8000"))), None);
        IServiceProvider host = database.OpenInstance();
        var refresher = host.GetServices<IHostedService>().OfType<PoolSnapshotRefresher>().Single();
        var source = host.GetRequiredService<StorePoolSnapshotSource>();

        await refresher.StartAsync(None);
        try
        {
            Assert.Single(source.Current.All);
            database.Time.Advance(TimeSpan.FromSeconds(1));
            await database.Get<PoolSynchronizer>().SyncConfigAsync(database.Config(Pool("p", UpstreamType.Residential,
                Proxy("http://198.51.100.7:8000"), Proxy("http://198.51.100.8:8000"))), None);
            Assert.Single(source.Current.All);

            database.Time.Advance(refresher.Interval);

            await WaitUntilAsync(() => source.Current.All.Count == 2);
        }
        finally
        {
            await refresher.StopAsync(None);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition());
    }
}
