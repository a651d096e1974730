using Microsoft.EntityFrameworkCore;
using Npgsql;
using ProxyRotator.Core.Cluster;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Sessions;
using ProxyRotator.IntegrationTests.Store;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Store;
using ProxyRotator.Store.Sessions;
using ProxyRotator.Store.Sync;
using static ProxyRotator.IntegrationTests.Store.StoreTestDatabase;

namespace ProxyRotator.IntegrationTests.Cluster;

/// <summary>
/// The shared session store on its own, against PostgreSQL: the first writer wins and the second gets its binding;
/// a database that does not answer within <c>sessions.sharedTimeout</c> (the row locked by another transaction)
/// costs the request that timeout at most, and the session is served from memory and counted as degraded.
/// </summary>
public sealed class SharedSessionBindingTests
{
    [PostgresFact]
    public async Task BindAsync_TwoInstancesSameId_SecondGetsFirstBinding()
    {
        await using StoreTestDatabase database = await CreateAsync(StoreProvider.PostgreSql);
        long[] upstreams = await SeedAsync(database);
        ISharedSessionBinding a = database.Get<ISharedSessionBinding>();
        ISharedSessionBinding b = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<ISharedSessionBinding>(database.OpenInstance());

        StickySession first = await a.BindAsync(Proposed(database, "s1", upstreams[0]), CancellationToken.None);
        StickySession second = await b.BindAsync(Proposed(database, "s1", upstreams[1]), CancellationToken.None);

        Assert.Equal(upstreams[0], first.UpstreamId);
        Assert.Equal(upstreams[0], second.UpstreamId);
    }

    [PostgresFact]
    public async Task BindAsync_RowLockedLongerThanTimeout_ServedFromMemoryWithinTimeout()
    {
        await using StoreTestDatabase database = await CreateAsync(StoreProvider.PostgreSql);
        long[] upstreams = await SeedAsync(database);
        ISharedSessionBinding binding = database.Get<ISharedSessionBinding>();
        ClusterMetrics metrics = database.Get<ClusterMetrics>();

        // Another transaction inserts the same session and holds it uncommitted: our INSERT waits for it.
        await using var blocker = new NpgsqlConnection(database.ConnectionString);
        await blocker.OpenAsync();
        await using NpgsqlTransaction transaction = await blocker.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            """INSERT INTO "StickySessions" ("Account", "SessionId", "UpstreamId", "Mode", "CreatedAt", "ExpiresAt", "LastUsedAt") VALUES ('acct', 'locked', $1, 'Flex', 0, 9000000000000000000, 0)""",
            blocker, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = upstreams[1] });
            await insert.ExecuteNonQueryAsync();
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        StickySession held = await binding.BindAsync(Proposed(database, "locked", upstreams[0]), CancellationToken.None);
        watch.Stop();

        Assert.Equal(upstreams[0], held.UpstreamId); // served from memory
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"waited {watch.Elapsed}");
        Assert.Equal(1, metrics.SessionStoreDegraded);
        Assert.Equal(upstreams[0], (await database.Get<StoreSessionStore>().GetAsync("acct", "locked", CancellationToken.None))?.UpstreamId);
        await transaction.RollbackAsync();
    }

    private static StickySession Proposed(StoreTestDatabase database, string id, long upstream)
    {
        DateTimeOffset now = database.Time.GetUtcNow();
        return new StickySession
        {
            Account = "acct", SessionId = id, UpstreamId = upstream, CreatedAt = now, ExpiresAt = now.AddHours(1), LastUsedAt = now,
        };
    }

    private static async Task<long[]> SeedAsync(StoreTestDatabase database)
    {
        await database.Get<PoolSynchronizer>().SyncConfigAsync(
            database.Config(Pool("p", UpstreamType.Datacenter, Proxy("http://198.51.100.1:8000"), Proxy("http://198.51.100.2:8000"))), CancellationToken.None);
        await using ProxyRotatorDbContext db = await database.OpenContextAsync();
        return [.. await db.Upstreams.OrderBy(u => u.Id).Select(u => u.Id).ToListAsync()];
    }
}
