using Microsoft.EntityFrameworkCore;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Store;
using ProxyRotator.Store.Entities;
using ProxyRotator.Store.Sync;
using static ProxyRotator.IntegrationTests.Store.StoreTestDatabase;

namespace ProxyRotator.IntegrationTests.Store;

/// <summary>Runs on SQLite; <see cref="PoolSynchronizerPostgreSqlTests"/> runs the same tests on PostgreSQL.</summary>
public class PoolSynchronizerTests
{
    /// <summary>The provider every test of this class runs on.</summary>
    protected virtual StoreProvider Provider => StoreProvider.Sqlite;

    private static readonly CancellationToken None = CancellationToken.None;

    [StoreFact]
    public async Task SyncConfigAsync_NewConfig_AddsPendingConfigUpstreamsAndPools()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        ProxyRotatorConfig config = database.Config(
            Pool("res-eu", UpstreamType.Residential,
                Proxy("http://user:pass@198.51.100.7:8000"),
                Proxy("socks5h://u2:p2@198.51.100.8:1080", UpstreamType.Mobile, "de", "New York")),
            Pool("dc", UpstreamType.Datacenter, Proxy("http://198.51.100.9:3128")));

        PoolSyncResult result = await database.Get<PoolSynchronizer>().SyncConfigAsync(config, None);

        Assert.Equal(new PoolSyncResult(3, 0, 0), result with { PoolsAdded = 0 });
        Assert.Equal(2, result.PoolsAdded);
        await using ProxyRotatorDbContext db = await database.OpenContextAsync();
        List<UpstreamEntity> upstreams = await db.Upstreams.Include(u => u.Pool).OrderBy(u => u.Id).ToListAsync();
        Assert.All(upstreams, u => Assert.Equal(UpstreamStatus.Pending, u.Status));
        Assert.All(upstreams, u => Assert.Equal(UpstreamEntity.ConfigSource, u.Source));
        Assert.All(upstreams, u => Assert.Equal(database.Time.GetUtcNow(), u.NextCheckAt));
        UpstreamEntity socks = upstreams.Single(u => u.Port == 1080);
        Assert.Equal(("res-eu", UpstreamScheme.Socks5, UpstreamType.Mobile, "DE", "new_york"), (socks.Pool!.Name, socks.Scheme, socks.Type, socks.DeclaredCountry, socks.City));
        Assert.Equal(("u2", "p2"), (socks.Username, socks.Password));
        Assert.Equal("socks5://198.51.100.8:1080", socks.AddressKey);
        Assert.Equal(UpstreamType.Residential, upstreams.Single(u => u.Port == 8000).Type);
        Assert.Equal(3, await db.UpstreamStatusTransitions.CountAsync(t => t.From == null && t.To == UpstreamStatus.Pending));
    }

    [StoreFact]
    public async Task SyncConfigAsync_BackconnectEntry_StoredWithDialectCountriesAndCost_SecondSyncChangesNothing()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        ProxyEntryOptions backconnect = Proxy("http://brd-customer-c1-zone-z1:pw@198.51.100.20:33335");
        backconnect.Backconnect = new BackconnectOptions
        {
            DialectName = "brightdata",
            Dialect = new ProxyRotator.Core.Backconnect.BrightDataDialect(),
            Countries = ProxyRotator.Core.Backconnect.CountryCoverage.Of(["US", "DE"]),
        };
        PoolOptions pool = Pool("res", UpstreamType.Residential, Proxy("http://198.51.100.7:8000"), backconnect);
        pool.Cost = new UpstreamCost(PerGb: 4.5m, PerRequest: null);
        ProxyRotatorConfig config = database.Config(pool);
        var synchronizer = database.Get<PoolSynchronizer>();

        PoolSyncResult result = await synchronizer.SyncConfigAsync(config, None);
        PoolSyncResult again = await synchronizer.SyncConfigAsync(config, None);

        Assert.Equal(2, result.Added);
        Assert.Equal(PoolSyncResult.None, again);
        await using ProxyRotatorDbContext db = await database.OpenContextAsync();
        UpstreamEntity stored = await db.Upstreams.SingleAsync(u => u.Port == 33335);
        Assert.Equal(("brightdata", "DE,US", 4.5m, UpstreamKind.Backconnect), (stored.Dialect, stored.Countries, stored.CostPerGb, stored.Kind));
        Assert.Equal("http://brd-customer-c1-zone-z1@198.51.100.20:33335", stored.AddressKey);
        Assert.Null((await db.Upstreams.SingleAsync(u => u.Port == 8000)).Dialect);
    }

    [StoreFact]
    public async Task SyncConfigAsync_SameConfigTwice_SecondChangesNothing()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        ProxyRotatorConfig config = database.Config(
            Pool("res-eu", UpstreamType.Residential, Proxy("http://user:pass@198.51.100.7:8000"), Proxy("socks5://198.51.100.8:1080", country: "DE")));
        var synchronizer = database.Get<PoolSynchronizer>();
        await synchronizer.SyncConfigAsync(config, None);
        database.Time.Advance(TimeSpan.FromMinutes(1));

        PoolSyncResult second = await synchronizer.SyncConfigAsync(config, None);

        Assert.Equal(PoolSyncResult.None, second);
        Assert.False(second.HasChanges);
    }

    [StoreFact]
    public async Task SyncConfigAsync_ProxyRemovedFromFile_RetiredNotDeleted()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        var synchronizer = database.Get<PoolSynchronizer>();
        await synchronizer.SyncConfigAsync(database.Config(
            Pool("p", UpstreamType.Residential, Proxy("http://198.51.100.7:8000"), Proxy("http://198.51.100.8:8000"))), None);
        database.Time.Advance(TimeSpan.FromMinutes(5));

        PoolSyncResult result = await synchronizer.SyncConfigAsync(database.Config(
            Pool("p", UpstreamType.Residential, Proxy("http://198.51.100.7:8000"))), None);

        Assert.Equal(new PoolSyncResult(0, 0, 1), result);
        await using ProxyRotatorDbContext db = await database.OpenContextAsync();
        UpstreamEntity removed = await db.Upstreams.SingleAsync(u => u.Host == "198.51.100.8");
        Assert.Equal(UpstreamStatus.Retired, removed.Status);
        Assert.Equal(PoolSynchronizer.RemovedFromConfigurationReason, removed.StatusReason);
        Assert.Equal(database.Time.GetUtcNow(), removed.StatusChangedAt);
        UpstreamStatusTransitionEntity transition = await db.UpstreamStatusTransitions
            .SingleAsync(t => t.UpstreamId == removed.Id && t.To == UpstreamStatus.Retired);
        Assert.Equal((UpstreamStatus?)UpstreamStatus.Pending, transition.From);
        Assert.Equal(PoolSynchronizer.RemovedFromConfigurationReason, transition.Reason);
        Assert.Equal(2, await db.Upstreams.CountAsync());
    }

    [StoreFact]
    public async Task SyncConfigAsync_RetiredProxyListedAgain_ComesBackPending()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        var synchronizer = database.Get<PoolSynchronizer>();
        ProxyRotatorConfig full = database.Config(Pool("p", UpstreamType.Residential, Proxy("http://198.51.100.7:8000"), Proxy("http://198.51.100.8:8000")));
        await synchronizer.SyncConfigAsync(full, None);
        await synchronizer.SyncConfigAsync(database.Config(Pool("p", UpstreamType.Residential, Proxy("http://198.51.100.7:8000"))), None);

        PoolSyncResult result = await synchronizer.SyncConfigAsync(full, None);

        Assert.Equal(new PoolSyncResult(1, 0, 0), result);
        await using ProxyRotatorDbContext db = await database.OpenContextAsync();
        Assert.Equal(2, await db.Upstreams.CountAsync());
        Assert.Equal(UpstreamStatus.Pending, (await db.Upstreams.SingleAsync(u => u.Host == "198.51.100.8")).Status);
    }

    [StoreFact]
    public async Task SyncConfigAsync_ChangedCredentials_UpdatesThem()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        var synchronizer = database.Get<PoolSynchronizer>();
        await synchronizer.SyncConfigAsync(database.Config(Pool("p", UpstreamType.Residential, Proxy("http://user:old@198.51.100.7:8000"))), None);

        PoolSyncResult result = await synchronizer.SyncConfigAsync(
            database.Config(Pool("p", UpstreamType.Residential, Proxy("http://user2:new@198.51.100.7:8000"))), None);

        Assert.Equal(new PoolSyncResult(0, 1, 0), result);
        await using ProxyRotatorDbContext db = await database.OpenContextAsync();
        UpstreamEntity upstream = await db.Upstreams.SingleAsync();
        Assert.Equal(("user2", "new"), (upstream.Username, upstream.Password));
    }

    [StoreFact]
    public async Task SyncConfigAsync_ChangedTagsAndPoolType_UpdatesUpstreams()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        var synchronizer = database.Get<PoolSynchronizer>();
        await synchronizer.SyncConfigAsync(database.Config(Pool("p", UpstreamType.Residential,
            Proxy("http://198.51.100.7:8000", country: "DE"), Proxy("http://198.51.100.8:8000"))), None);

        PoolSyncResult result = await synchronizer.SyncConfigAsync(database.Config(Pool("p", UpstreamType.Isp,
            Proxy("http://198.51.100.7:8000", UpstreamType.Residential, country: "FR", city: "paris"), Proxy("http://198.51.100.8:8000"))), None);

        Assert.Equal(new PoolSyncResult(0, 2, 0) { PoolsUpdated = 1 }, result);
        await using ProxyRotatorDbContext db = await database.OpenContextAsync();
        UpstreamEntity tagged = await db.Upstreams.SingleAsync(u => u.Host == "198.51.100.7");
        Assert.Equal((UpstreamType.Residential, "FR", "paris"), (tagged.Type, tagged.DeclaredCountry, tagged.City));
        Assert.Equal(UpstreamType.Isp, (await db.Upstreams.SingleAsync(u => u.Host == "198.51.100.8")).Type);
        Assert.Equal(UpstreamType.Isp, (await db.Pools.SingleAsync()).Type);
    }

    [StoreFact]
    public async Task SyncConfigAsync_OneProxyChanged_WritesOnlyThatOne()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        var synchronizer = database.Get<PoolSynchronizer>();
        DateTimeOffset created = database.Time.GetUtcNow();
        await synchronizer.SyncConfigAsync(database.Config(Pool("p", UpstreamType.Residential,
            Proxy("http://198.51.100.7:8000"), Proxy("http://198.51.100.8:8000"))), None);
        database.Time.Advance(TimeSpan.FromMinutes(3));

        await synchronizer.SyncConfigAsync(database.Config(Pool("p", UpstreamType.Residential,
            Proxy("http://198.51.100.7:8000", country: "NL"), Proxy("http://198.51.100.8:8000"))), None);

        await using ProxyRotatorDbContext db = await database.OpenContextAsync();
        Dictionary<string, UpstreamEntity> byHost = await db.Upstreams.ToDictionaryAsync(u => u.Host);
        Assert.Equal((database.Time.GetUtcNow(), created), (byHost["198.51.100.7"].UpdatedAt, byHost["198.51.100.7"].CreatedAt));
        Assert.Equal(created, byHost["198.51.100.8"].UpdatedAt);
    }

    [StoreFact]
    public async Task SyncConfigAsync_PoolRemovedFromFile_RetiresItsConfigUpstreamsAndKeepsPool()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        var synchronizer = database.Get<PoolSynchronizer>();
        await synchronizer.SyncConfigAsync(database.Config(
            Pool("a", UpstreamType.Residential, Proxy("http://198.51.100.7:8000")),
            Pool("b", UpstreamType.Mobile, Proxy("http://198.51.100.8:8000"))), None);

        PoolSyncResult result = await synchronizer.SyncConfigAsync(database.Config(
            Pool("a", UpstreamType.Residential, Proxy("http://198.51.100.7:8000"))), None);

        Assert.Equal(new PoolSyncResult(0, 0, 1), result);
        await using ProxyRotatorDbContext db = await database.OpenContextAsync();
        Assert.Equal(2, await db.Pools.CountAsync());
        Assert.Equal(UpstreamStatus.Retired, (await db.Upstreams.SingleAsync(u => u.Host == "198.51.100.8")).Status);
    }

    [StoreFact]
    public async Task SyncConfigAsync_SameAddressInTwoPools_KeepsOneUpstreamPerPool()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);

        PoolSyncResult result = await database.Get<PoolSynchronizer>().SyncConfigAsync(database.Config(
            Pool("a", UpstreamType.Residential, Proxy("http://198.51.100.7:8000"), Proxy("http://x:y@198.51.100.7:8000")),
            Pool("b", UpstreamType.Mobile, Proxy("http://198.51.100.7:8000"))), None);

        Assert.Equal(2, result.Added);
    }

    [StoreFact]
    public async Task MergeSourceAsync_ProviderList_AddsUpdatesAndRetiresOnlyItsOwn()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        var synchronizer = database.Get<PoolSynchronizer>();
        await synchronizer.SyncConfigAsync(database.Config(Pool("p", UpstreamType.Residential, Proxy("http://198.51.100.7:8000"))), None);
        string source = PoolSynchronizer.ProviderSource("acme");
        PoolSyncResult first = await synchronizer.MergeSourceAsync("p", source,
        [
            new DiscoveredUpstream(Endpoint("http://a:1@203.0.113.1:8000"), UpstreamType.Mobile, "US"),
            new DiscoveredUpstream(Endpoint("http://a:1@203.0.113.2:8000")),
            new DiscoveredUpstream(Endpoint("http://198.51.100.7:8000")), // listed by the configuration: not taken over
        ], None);

        PoolSyncResult second = await synchronizer.MergeSourceAsync("p", source,
        [
            new DiscoveredUpstream(Endpoint("http://a:2@203.0.113.1:8000"), UpstreamType.Mobile, "US"),
            new DiscoveredUpstream(Endpoint("http://a:1@203.0.113.3:8000")),
        ], None);

        Assert.Equal(new PoolSyncResult(2, 0, 0), first);
        Assert.Equal(new PoolSyncResult(1, 1, 1), second);
        await using ProxyRotatorDbContext db = await database.OpenContextAsync();
        Dictionary<string, UpstreamEntity> byHost = await db.Upstreams.ToDictionaryAsync(u => u.Host);
        Assert.Equal((UpstreamEntity.ConfigSource, UpstreamStatus.Pending), (byHost["198.51.100.7"].Source, byHost["198.51.100.7"].Status));
        Assert.Equal((source, "2"), (byHost["203.0.113.1"].Source, byHost["203.0.113.1"].Password));
        Assert.Equal("no longer listed by provider:acme", byHost["203.0.113.2"].StatusReason);
        Assert.Equal(UpstreamStatus.Retired, byHost["203.0.113.2"].Status);
        Assert.Equal(UpstreamStatus.Pending, byHost["203.0.113.3"].Status);
    }

    [StoreFact]
    public async Task MergeSourceAsync_SameListTwice_SecondChangesNothing()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        var synchronizer = database.Get<PoolSynchronizer>();
        await synchronizer.SyncConfigAsync(database.Config(Pool("p", UpstreamType.Residential)), None);
        DiscoveredUpstream[] listed = [new(Endpoint("socks5://a:1@203.0.113.1:1080"), null, "de", "berlin")];
        await synchronizer.MergeSourceAsync("p", "provider:acme", listed, None);

        PoolSyncResult second = await synchronizer.MergeSourceAsync("p", "provider:acme", listed, None);

        Assert.Equal(PoolSyncResult.None, second);
    }

    [StoreFact]
    public async Task SyncConfigAsync_UpstreamListedByProvider_ConfigurationTakesItOver()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        var synchronizer = database.Get<PoolSynchronizer>();
        await synchronizer.SyncConfigAsync(database.Config(Pool("p", UpstreamType.Residential)), None);
        await synchronizer.MergeSourceAsync("p", "provider:acme", [new(Endpoint("http://203.0.113.1:8000"))], None);

        PoolSyncResult result = await synchronizer.SyncConfigAsync(
            database.Config(Pool("p", UpstreamType.Residential, Proxy("http://203.0.113.1:8000"))), None);
        PoolSyncResult providerAfter = await synchronizer.MergeSourceAsync("p", "provider:acme", [], None);

        Assert.Equal(new PoolSyncResult(0, 1, 0), result);
        Assert.Equal(PoolSyncResult.None, providerAfter);
        await using ProxyRotatorDbContext db = await database.OpenContextAsync();
        UpstreamEntity upstream = await db.Upstreams.SingleAsync();
        Assert.Equal((UpstreamEntity.ConfigSource, UpstreamStatus.Pending), (upstream.Source, upstream.Status));
    }

    [StoreFact]
    public async Task MergeSourceAsync_UnknownPool_Throws()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            database.Get<PoolSynchronizer>().MergeSourceAsync("nope", "provider:acme", [], None));

        Assert.Contains("'nope'", error.Message, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task RecordProviderSyncAsync_SuccessThenFailure_KeepsLastSuccessAndShowsError()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        var synchronizer = database.Get<PoolSynchronizer>();
        PoolOptions pool = Pool("p", UpstreamType.Residential);
        pool.Providers.Add(new ProviderOptions { Name = "acme", Url = "https://api.acme.example/v1/proxies", ApiKey = "secret" });
        await synchronizer.SyncConfigAsync(database.Config(pool), None);
        DateTimeOffset successAt = database.Time.GetUtcNow();

        await synchronizer.RecordProviderSyncAsync("p", "acme", success: true, count: 7, error: null, None);
        database.Time.Advance(TimeSpan.FromMinutes(15));
        await synchronizer.RecordProviderSyncAsync("p", "acme", success: false, count: null, error: "HTTP 503", None);

        await using ProxyRotatorDbContext db = await database.OpenContextAsync();
        ProviderSourceEntity provider = await db.ProviderSources.SingleAsync();
        Assert.Equal("https://api.acme.example/v1/proxies", provider.Url);
        Assert.Equal((successAt, database.Time.GetUtcNow(), 7, "HTTP 503"), (provider.LastSuccessAt, provider.LastSyncAt, provider.LastCount, provider.LastError));
    }
}
