using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Store;
using ProxyRotator.Store.Sessions;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>
/// The database persists, it is not on the request path: while another connection holds SQLite's write lock,
/// rotating requests and brand-new sticky sessions are served at normal speed; once the lock ends the sessions
/// are stored, and a restart over the same file keeps them.
/// </summary>
/// <remarks>
/// Deterministic, whatever the machine's load: the product's SQLite connections wait for a lock as long as it is held
/// (a busy timeout of ten minutes instead of five seconds), and the test holds the lock until every request of the
/// round has been answered. A request that needed the database could therefore only be answered after the lock went:
/// it would never be answered, and curl's own limit fails the test. No clock decides the outcome. The stored sessions
/// are awaited by flushing the write-behind, not by polling the file.
/// </remarks>
public sealed class DatabaseLockedTests(DatabaseLockedTests.Fixture fixture) : IClassFixture<DatabaseLockedTests.Fixture>
{
    private const int Rounds = 4;

    public sealed class Fixture : ProductWithWorld
    {
        protected override byte Subnet => 43;

        protected override int UpstreamCount => 4;

        protected override void ConfigureServices(IServiceCollection services) =>
            services.ConfigureDbContext<ProxyRotatorDbContext>(
                options => options.AddInterceptors(new WaitAsLongAsLockedInterceptor()), ServiceLifetime.Singleton);
    }

    [Fact]
    public async Task DatabaseLocked_RotationAndNewSessions_ServedWithoutWaiting_AndStoredAfterTheLock()
    {
        Assert.Equal(0, (await RequestAsync(TestConfigs.User)).ExitCode);
        var exits = new Dictionary<string, string>(StringComparer.Ordinal);

        await using (SqliteConnection holder = await HoldWriteLockAsync())
        {
            for (int round = 0; round < Rounds; round++)
            {
                (int plainExit, _) = await RequestAsync(TestConfigs.User);
                string sessionId = "locked" + round;
                (int stickyExit, string exit) = await RequestAsync(TestConfigs.User + "-session-" + sessionId);

                Assert.Equal(0, plainExit);
                Assert.Equal(0, stickyExit);
                exits[sessionId] = exit;
            }

            Assert.True(await StoredSessionCountAsync(holder) == 0, "the lock holder sees no session rows written under its lock");
        }

        // The write-behind stores them once the lock is gone: flush it now (flushes take turns) rather than wait for its tick.
        StoreSessionStore sessions = fixture.Product.Services.GetRequiredService<StoreSessionStore>();
        using (var bound = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            do
            {
                await sessions.FlushAsync(bound.Token);
            }
            while (sessions.PendingWrites > 0);
        }

        using var reader = new SqliteConnection($"Data Source={fixture.DatabasePath}");
        await reader.OpenAsync();
        Assert.Equal(exits.Count, await StoredSessionCountAsync(reader));
        await fixture.RestartProductAsync();
        foreach ((string sessionId, string exit) in exits)
        {
            Assert.Equal(exit, (await RequestAsync(TestConfigs.User + "-session-" + sessionId)).Exit);
        }
    }

    private async Task<(int ExitCode, string Exit)> RequestAsync(string username)
    {
        CurlResult result = await Curl.RunAsync(["-f", "-x", fixture.Product.ProxyUrl(username), fixture.OriginUrl("ip")], TimeSpan.FromSeconds(60));
        return (result.ExitCode, result.Output.Trim());
    }

    /// <summary>Another connection takes SQLite's write lock (an exclusive transaction with a write) and keeps it until disposed.</summary>
    private async Task<SqliteConnection> HoldWriteLockAsync()
    {
        var connection = new SqliteConnection($"Data Source={fixture.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        using SqliteCommand begin = connection.CreateCommand();
        begin.CommandText = "PRAGMA busy_timeout=10000; BEGIN EXCLUSIVE; UPDATE Upstreams SET Score = Score WHERE Id = (SELECT MIN(Id) FROM Upstreams);";
        await begin.ExecuteNonQueryAsync();
        return connection;
    }

    private static async Task<long> StoredSessionCountAsync(SqliteConnection connection)
    {
        using SqliteCommand count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM StickySessions WHERE SessionId LIKE 'locked%'";
        return (long)(await count.ExecuteScalarAsync())!;
    }

    /// <summary>Runs after the product's own pragmas: a product connection waits for a lock as long as it is held.</summary>
    private sealed class WaitAsLongAsLockedInterceptor : DbConnectionInterceptor
    {
        private const string Pragma = "PRAGMA busy_timeout=600000;";

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            using DbCommand command = connection.CreateCommand();
            command.CommandText = Pragma;
            command.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            await using DbCommand command = connection.CreateCommand();
            command.CommandText = Pragma;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
