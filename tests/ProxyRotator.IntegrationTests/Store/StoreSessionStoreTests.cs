using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Store;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Sessions;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Store.Sessions;
using ProxyRotator.Store.Snapshots;
using ProxyRotator.Store.Sync;
using static ProxyRotator.IntegrationTests.Store.StoreTestDatabase;

namespace ProxyRotator.IntegrationTests.Store;

/// <summary>Runs on SQLite; <see cref="StoreSessionStorePostgreSqlTests"/> runs the same tests on PostgreSQL.</summary>
public class StoreSessionStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>The provider every test of this class runs on.</summary>
    protected virtual StoreProvider Provider => StoreProvider.Sqlite;

    [StoreFact]
    public async Task SaveAsync_ThenGet_ReturnsSameSession()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        long[] upstreams = await SeedUpstreamsAsync(database);
        var store = database.Get<ISessionStore>();
        StickySession session = NewSession(database, "scraper", "acct42", upstreams[0], TimeSpan.FromMinutes(10));

        await store.SaveAsync(session, None);

        Assert.Equal(session, await store.GetAsync("scraper", "acct42", None));
        Assert.Null(await store.GetAsync("scraper", "other", None));
    }

    [StoreFact]
    public async Task SaveAsync_NewStoreOverSameFile_SeesSession()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        long[] upstreams = await SeedUpstreamsAsync(database);
        StickySession session = NewSession(database, "scraper", "acct42", upstreams[1], TimeSpan.FromHours(1)) with
        {
            Mode = SessionMode.Strict,
            ExitIp = "198.51.100.8",
        };
        await database.Get<ISessionStore>().SaveAsync(session, None);
        await database.Get<StoreSessionStore>().FlushAsync(None);

        var restarted = database.OpenInstance().GetRequiredService<StoreSessionStore>();
        await restarted.LoadAsync(None);

        Assert.Equal(1, restarted.CachedCount);
        Assert.Equal(session, await restarted.GetAsync("scraper", "acct42", None));
        Assert.Equal([session], await restarted.ListAsync(None));
    }

    [StoreFact]
    public async Task SaveAsync_ExistingSession_Rebinds()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        long[] upstreams = await SeedUpstreamsAsync(database);
        var store = database.Get<ISessionStore>();
        StickySession session = NewSession(database, "scraper", "s1", upstreams[0], TimeSpan.FromMinutes(10));
        await store.SaveAsync(session, None);

        await store.SaveAsync(session with { UpstreamId = upstreams[1] }, None);
        await database.Get<StoreSessionStore>().FlushAsync(None);

        Assert.Equal(upstreams[1], (await store.GetAsync("scraper", "s1", None))!.UpstreamId);
        ISessionStore restarted = database.OpenInstance().GetRequiredService<ISessionStore>();
        Assert.Equal(upstreams[1], Assert.Single(await restarted.ListAsync(None)).UpstreamId);
    }

    [StoreFact]
    public async Task GetAsync_Expired_ReturnsNull()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        long[] upstreams = await SeedUpstreamsAsync(database);
        var store = database.Get<ISessionStore>();
        await store.SaveAsync(NewSession(database, "scraper", "s1", upstreams[0], TimeSpan.FromMinutes(10)), None);

        database.Time.Advance(TimeSpan.FromMinutes(10));

        Assert.Null(await store.GetAsync("scraper", "s1", None));
        Assert.Empty(await store.ListAsync(None));
    }

    [StoreFact]
    public async Task RemoveExpiredAsync_SomeExpired_DeletesOnlyThoseEverywhere()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        long[] upstreams = await SeedUpstreamsAsync(database);
        var store = database.Get<StoreSessionStore>();
        await store.SaveAsync(NewSession(database, "a", "short", upstreams[0], TimeSpan.FromMinutes(1)), None);
        await store.SaveAsync(NewSession(database, "a", "long", upstreams[0], TimeSpan.FromHours(1)), None);
        database.Time.Advance(TimeSpan.FromMinutes(2));

        await store.FlushAsync(None);

        int removed = await store.RemoveExpiredAsync(database.Time.GetUtcNow(), None);
        await store.FlushAsync(None);

        Assert.Equal(1, removed);
        Assert.Equal(1, store.CachedCount);
        var restarted = database.OpenInstance().GetRequiredService<StoreSessionStore>();
        await restarted.LoadAsync(None);
        Assert.Equal(1, restarted.CachedCount);
        Assert.Equal("long", Assert.Single(await restarted.ListAsync(None)).SessionId);
        Assert.Equal(0, await store.RemoveExpiredAsync(database.Time.GetUtcNow(), None));
    }

    [StoreFact]
    public async Task RemoveAsync_Existing_RemovesFromDatabaseAndCache()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        long[] upstreams = await SeedUpstreamsAsync(database);
        var store = database.Get<ISessionStore>();
        await store.SaveAsync(NewSession(database, "a", "s", upstreams[0], TimeSpan.FromMinutes(10)), None);

        await database.Get<StoreSessionStore>().FlushAsync(None);

        Assert.True(await store.RemoveAsync("a", "s", None));
        await database.Get<StoreSessionStore>().FlushAsync(None);

        Assert.Null(await store.GetAsync("a", "s", None));
        Assert.False(await store.RemoveAsync("a", "s", None));
        Assert.Empty(await database.OpenInstance().GetRequiredService<ISessionStore>().ListAsync(None));
    }

    [StoreFact]
    public async Task SaveAsync_BeforeFlush_InMemoryOnlyUntilFlushed()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        long[] upstreams = await SeedUpstreamsAsync(database);
        var store = database.Get<StoreSessionStore>();
        StickySession session = NewSession(database, "a", "later", upstreams[0], TimeSpan.FromMinutes(10));

        await store.SaveAsync(session, None);

        Assert.Equal(session, await store.GetAsync("a", "later", None));
        Assert.Equal(1, store.PendingWrites);
        Assert.Empty(await database.OpenInstance().GetRequiredService<ISessionStore>().ListAsync(None));
        Assert.Equal(1, await store.FlushAsync(None));
        Assert.Equal(0, store.PendingWrites);
        Assert.Equal([session], await database.OpenInstance().GetRequiredService<ISessionStore>().ListAsync(None));
    }

    [StoreFact]
    public async Task SaveAsync_ThenRemoveBeforeFlush_NothingStored()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        long[] upstreams = await SeedUpstreamsAsync(database);
        var store = database.Get<StoreSessionStore>();
        await store.SaveAsync(NewSession(database, "a", "brief", upstreams[0], TimeSpan.FromMinutes(10)), None);

        Assert.True(await store.RemoveAsync("a", "brief", None));
        await store.FlushAsync(None);

        Assert.Equal(0, store.CountFor("a"));
        Assert.Empty(await database.OpenInstance().GetRequiredService<ISessionStore>().ListAsync(None));
    }

    [StoreFact]
    public async Task SaveAsync_ConcurrentSessions_AllStored()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        long[] upstreams = await SeedUpstreamsAsync(database);
        var store = database.Get<ISessionStore>();

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            store.SaveAsync(NewSession(database, "a", "s" + i, upstreams[i % 2], TimeSpan.FromMinutes(10)), None).AsTask()));
        await database.Get<StoreSessionStore>().FlushAsync(None);

        Assert.Equal(20, store.CountFor("a"));
        Assert.Equal(20, (await database.OpenInstance().GetRequiredService<ISessionStore>().ListAsync(None)).Count);
    }

    [StoreFact]
    public async Task FlushAsync_MoreSessionsThanOneMultiRowUpsert_AllStoredWithTheirFieldsAndRebindsUpdated()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        long[] upstreams = await SeedUpstreamsAsync(database);
        var store = database.Get<StoreSessionStore>();
        int count = (StickySessionWrites.RowsPerUpsert * 2) + 5;
        StickySession[] sessions = [.. Enumerable.Range(0, count).Select(i => NewSession(database, "a", "s" + i, upstreams[i % 2], TimeSpan.FromMinutes(10 + i)) with
        {
            Mode = i % 3 == 0 ? SessionMode.Strict : SessionMode.Flex,
            ExitIp = i % 2 == 0 ? $"198.51.100.{i}" : null,
        })];
        foreach (StickySession session in sessions)
        {
            await store.SaveAsync(session, None);
        }

        await store.RemoveAsync("a", "s1", None);
        Assert.Equal(count, await store.FlushAsync(None));

        // Rebinding stored sessions goes through the same multi-row upsert as an update.
        StickySession[] rebound = [.. sessions.Skip(2).Take(StickySessionWrites.RowsPerUpsert).Select(s => s with { UpstreamId = upstreams[1 - (int)(Array.IndexOf(upstreams, s.UpstreamId))] })];
        foreach (StickySession session in rebound)
        {
            await store.SaveAsync(session, None);
        }

        await store.FlushAsync(None);

        IReadOnlyList<StickySession> reloaded = await database.OpenInstance().GetRequiredService<ISessionStore>().ListAsync(None);
        StickySession[] expected = [sessions[0], .. rebound, .. sessions.Skip(2 + rebound.Length)];
        Assert.Equal(expected.OrderBy(s => s.SessionId, StringComparer.Ordinal), reloaded.OrderBy(s => s.SessionId, StringComparer.Ordinal));
    }

    [StoreFact]
    public async Task AdoptAndEvict_SessionsOfAnotherInstance_CountedInTotalAndPerAccount()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        long[] upstreams = await SeedUpstreamsAsync(database);
        var store = database.Get<StoreSessionStore>();
        await store.SaveAsync(NewSession(database, "scraper", "local", upstreams[0], TimeSpan.FromMinutes(10)), None);

        store.Adopt(NewSession(database, "scraper", "remote", upstreams[1], TimeSpan.FromMinutes(10)));
        Assert.Equal((2, 2), (store.Count, store.CountFor("scraper")));

        store.Evict("scraper", "local");
        Assert.Equal((1, 1), (store.Count, store.CountFor("scraper")));

        await store.RemoveAsync("scraper", "remote", None);
        Assert.Equal((0, 0), (store.Count, store.CountFor("scraper")));
    }

    [StoreFact]
    public async Task FlushAsync_SessionEndedByAnotherInstanceBeforeFlush_NotStored()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        long[] upstreams = await SeedUpstreamsAsync(database);
        var store = database.Get<StoreSessionStore>();
        await store.SaveAsync(NewSession(database, "scraper", "ended", upstreams[0], TimeSpan.FromMinutes(10)), None);
        await store.SaveAsync(NewSession(database, "scraper", "kept", upstreams[1], TimeSpan.FromMinutes(10)), None);

        // Another instance ended it (the shared row is gone): the change noted before must not bring the row back.
        store.Evict("scraper", "ended");

        Assert.Equal(1, await store.FlushAsync(None));
        Assert.Equal("kept", Assert.Single(await database.OpenInstance().GetRequiredService<ISessionStore>().ListAsync(None)).SessionId);
    }

    [StoreFact]
    public async Task FlushAsync_SessionChangedSeveralTimesBeforeFlush_StoresOnlyItsLatestState()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        long[] upstreams = await SeedUpstreamsAsync(database);
        var store = database.Get<StoreSessionStore>();
        StickySession first = NewSession(database, "scraper", "s", upstreams[0], TimeSpan.FromMinutes(10));
        StickySession rebound = first with { UpstreamId = upstreams[1] };
        await store.SaveAsync(first, None);
        await store.SaveAsync(rebound, None);
        await store.SaveAsync(rebound, None);
        await store.RemoveAsync("scraper", "gone", None);

        await store.FlushAsync(None);
        Assert.Equal(0, store.PendingWrites);
        Assert.Equal([rebound], await database.OpenInstance().GetRequiredService<ISessionStore>().ListAsync(None));
    }

    [StoreFact]
    public async Task FlushAsync_SessionOfUpstreamNotStored_StoredAndLoaded()
    {
        // The sessions table keeps no foreign key to Upstreams (SessionsLeanRow): a row names its upstream by id only.
        await using StoreTestDatabase database = await CreateAsync(Provider);
        long[] upstreams = await SeedUpstreamsAsync(database);
        var store = database.Get<StoreSessionStore>();
        StickySession session = NewSession(database, "scraper", "orphan", upstreams.Max() + 1000, TimeSpan.FromMinutes(10));
        await store.SaveAsync(session, None);

        Assert.Equal(1, await store.FlushAsync(None));

        var restarted = database.OpenInstance().GetRequiredService<StoreSessionStore>();
        await restarted.LoadAsync(None);
        Assert.Equal(session, await restarted.GetAsync("scraper", "orphan", None));
    }

    [StoreFact]
    public async Task SessionWriteBehind_AfterIntervalAndOnStop_StoresNotedSessions()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        long[] upstreams = await SeedUpstreamsAsync(database);
        var store = database.Get<StoreSessionStore>();
        using var writeBehind = new SessionWriteBehind(
            store, database.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<SessionWriteBehind>.Instance, TimeSpan.FromSeconds(1));
        await writeBehind.StartAsync(None);
        StickySession ticked = NewSession(database, "scraper", "ticked", upstreams[0], TimeSpan.FromMinutes(10));
        await store.SaveAsync(ticked, None);

        // A tick of the timer flushes. The service starts its timer on a pool thread, so the clock moves on one interval
        // at a time until that flush has stored the row (bounded).
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (store.FlushedRows == 0)
        {
            database.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10, timeout.Token);
        }

        Assert.Equal([ticked], await database.OpenInstance().GetRequiredService<ISessionStore>().ListAsync(None));

        StickySession atStop = NewSession(database, "scraper", "at-stop", upstreams[1], TimeSpan.FromMinutes(10));
        await store.SaveAsync(atStop, None);
        await writeBehind.StopAsync(None);

        Assert.Equal(0, store.PendingWrites);
        Assert.Equal(2, (await database.OpenInstance().GetRequiredService<ISessionStore>().ListAsync(None)).Count);
    }

    private static StickySession NewSession(StoreTestDatabase database, string account, string sessionId, long upstreamId, TimeSpan ttl)
    {
        DateTimeOffset now = database.Time.GetUtcNow();
        return new StickySession
        {
            Account = account,
            SessionId = sessionId,
            UpstreamId = upstreamId,
            CreatedAt = now,
            ExpiresAt = now + ttl,
            LastUsedAt = now,
        };
    }

    private static async Task<long[]> SeedUpstreamsAsync(StoreTestDatabase database)
    {
        await database.Get<PoolSynchronizer>().SyncConfigAsync(database.Config(Pool("p", UpstreamType.Residential,
            Proxy("http://198.51.100.7:8000"), Proxy("http://198.51.100.8:8000"))), None);
        var snapshots = database.Get<StorePoolSnapshotSource>();
        await snapshots.RefreshAsync(None);
        return [.. snapshots.Current.All.Select(u => u.Id)];
    }
}
