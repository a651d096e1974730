using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Sessions;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Store;
using ProxyRotator.Store.Entities;
using ProxyRotator.Store.Sessions;
using ProxyRotator.Store.Snapshots;
using ProxyRotator.Store.Sync;
using static ProxyRotator.IntegrationTests.Store.StoreTestDatabase;

namespace ProxyRotator.IntegrationTests.Store;

/// <summary>
/// On SQLite the session flush binds its upsert on the connection's own handle instead of through EF's commands: the
/// rows it writes must hold exactly what EF itself would have written for the same sessions (types and values).
/// </summary>
public sealed class SqliteSessionUpsertTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task FlushAsync_OnSqlite_StoresTheValuesEfWrites()
    {
        await using StoreTestDatabase database = await CreateAsync(StoreProvider.Sqlite);
        await database.Get<PoolSynchronizer>().SyncConfigAsync(database.Config(Pool("p", UpstreamType.Residential, Proxy("http://198.51.100.7:8000"))), None);
        var snapshots = database.Get<StorePoolSnapshotSource>();
        await snapshots.RefreshAsync(None);
        long upstream = snapshots.Current.All[0].Id;
        DateTimeOffset now = database.Time.GetUtcNow();
        StickySession[] sessions =
        [
            new() { Account = "a", SessionId = "flex", UpstreamId = upstream, CreatedAt = now, ExpiresAt = now.AddMinutes(10), LastUsedAt = now.AddSeconds(3) },
            new()
            {
                Account = "a", SessionId = "strict", UpstreamId = upstream, Mode = SessionMode.Strict, CreatedAt = now, ExpiresAt = now.AddHours(2),
                LastUsedAt = now, ExitIp = "198.51.100.9", VendorEpoch = 1_700_000_000_123,
            },
        ];

        var store = database.Get<StoreSessionStore>();
        foreach (StickySession session in sessions)
        {
            await store.SaveAsync(session, None);
        }

        Assert.Equal(sessions.Length, await store.FlushAsync(None));
        await using (ProxyRotatorDbContext db = await database.OpenContextAsync())
        {
            foreach (StickySession session in sessions)
            {
                var entity = new StickySessionEntity { Account = "ef", SessionId = session.SessionId };
                entity.CopyFrom(session with { Account = "ef" });
                db.StickySessions.Add(entity);
            }

            await db.SaveChangesAsync();
        }

        List<string> flushed = await ReadRowsAsync(database, "a");
        List<string> written = await ReadRowsAsync(database, "ef");

        Assert.Equal(2, flushed.Count);
        Assert.Equal(written, flushed);
    }

    /// <summary>Every column but the account and row id, with SQLite's storage class, one string per row.</summary>
    private static async Task<List<string>> ReadRowsAsync(StoreTestDatabase database, string account)
    {
        await using ProxyRotatorDbContext db = await database.OpenContextAsync();
        await db.Database.OpenConnectionAsync();
        using DbCommand command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = """
            SELECT SessionId, typeof(UpstreamId), UpstreamId, typeof(Mode), Mode, typeof(CreatedAt), CreatedAt, typeof(ExpiresAt), ExpiresAt,
                   typeof(LastUsedAt), LastUsedAt, typeof(ExitIp), ExitIp, typeof(VendorEpoch), VendorEpoch
            FROM StickySessions WHERE Account = $account ORDER BY SessionId
            """;
        DbParameter parameter = command.CreateParameter();
        parameter.ParameterName = "$account";
        parameter.Value = account;
        command.Parameters.Add(parameter);
        var rows = new List<string>();
        await using DbDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return rows;
    }
}
