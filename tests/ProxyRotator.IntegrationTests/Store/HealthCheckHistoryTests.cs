using ProxyRotator.Store;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Core.Pool;
using ProxyRotator.Store.Entities;
using ProxyRotator.Store.Health;
using ProxyRotator.Store.Snapshots;
using ProxyRotator.Store.Sync;
using static ProxyRotator.IntegrationTests.Store.StoreTestDatabase;

namespace ProxyRotator.IntegrationTests.Store;

/// <summary>Runs on SQLite; <see cref="HealthCheckHistoryPostgreSqlTests"/> runs the same tests on PostgreSQL.</summary>
public class HealthCheckHistoryTests
{
    /// <summary>The provider every test of this class runs on.</summary>
    protected virtual StoreProvider Provider => StoreProvider.Sqlite;

    private static readonly CancellationToken None = CancellationToken.None;

    [StoreFact]
    public async Task AppendAsync_MoreThanLimit_KeepsNewestPerUpstream()
    {
        await using StoreTestDatabase database = await CreateAsync(Provider);
        await database.Get<PoolSynchronizer>().SyncConfigAsync(database.Config(Pool("p", UpstreamType.Residential,
            Proxy("http://198.51.100.7:8000"), Proxy("http://198.51.100.8:8000"))), None);
        var snapshots = database.Get<StorePoolSnapshotSource>();
        await snapshots.RefreshAsync(None);
        (long busy, long quiet) = (snapshots.Current.All[0].Id, snapshots.Current.All[1].Id);
        var history = database.Get<HealthCheckHistory>();
        await history.AppendAsync(Result(quiet, database.Time.GetUtcNow(), success: true), None);

        for (int i = 0; i < history.Limit + 5; i++)
        {
            database.Time.Advance(TimeSpan.FromMinutes(1));
            await history.AppendAsync(Result(busy, database.Time.GetUtcNow(), success: i % 2 == 0), None);
        }

        IReadOnlyList<HealthCheckResultEntity> kept = await history.ListAsync(busy, None);
        Assert.Equal(history.Limit, kept.Count);
        Assert.Equal(database.Time.GetUtcNow(), kept[0].CheckedAt);
        Assert.Equal(database.Time.GetUtcNow() - TimeSpan.FromMinutes(history.Limit - 1), kept[^1].CheckedAt);
        Assert.Single(await history.ListAsync(quiet, None));
    }

    private static HealthCheckResultEntity Result(long upstreamId, DateTimeOffset at, bool success) => new()
    {
        UpstreamId = upstreamId,
        CheckedAt = at,
        Success = success,
        LatencyMs = success ? 120 : null,
        ExitIp = success ? "198.51.100.7" : null,
        ErrorKind = success ? null : "UpstreamTimeout",
        Error = success ? null : "timed out",
    };
}
