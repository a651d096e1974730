using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Store.Sessions;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>
/// The database persists, it is not on the request path: while another connection holds SQLite's write lock,
/// rotating requests and brand-new sticky sessions are served at normal speed; once the lock ends the sessions
/// are stored, and a restart over the same file keeps them.
/// </summary>
/// <remarks>
/// The lock is held until every request of the test has been answered, not for a fixed time: a request that touched
/// the database could only be answered by SQLite's busy timeout running out, so each one must take less than that
/// (measured by curl itself, without the process start that a loaded machine makes slow). The stored sessions are
/// awaited by flushing the write-behind, not by polling the file.
/// </remarks>
public sealed class DatabaseLockedTests(DatabaseLockedTests.Fixture fixture) : IClassFixture<DatabaseLockedTests.Fixture>
{
    /// <summary>The product's SQLite busy timeout (<c>SqlitePragmaInterceptor</c>): the least a request that waited for the lock would take.</summary>
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(5);

    private const int Rounds = 4;

    public sealed class Fixture : ProductWithWorld
    {
        protected override byte Subnet => 43;

        protected override int UpstreamCount => 4;
    }

    [Fact]
    public async Task DatabaseLocked_RotationAndNewSessions_ServedWithoutWaiting_AndStoredAfterTheLock()
    {
        Assert.Equal(0, (await RequestAsync(TestConfigs.User)).ExitCode);
        var exits = new Dictionary<string, string>(StringComparer.Ordinal);
        var slowest = TimeSpan.Zero;

        await using (SqliteConnection holder = await HoldWriteLockAsync())
        {
            for (int round = 0; round < Rounds; round++)
            {
                (int plainExit, _, TimeSpan plain) = await RequestAsync(TestConfigs.User);
                string sessionId = "locked" + round;
                (int stickyExit, string exit, TimeSpan sticky) = await RequestAsync(TestConfigs.User + "-session-" + sessionId);

                Assert.Equal(0, plainExit);
                Assert.Equal(0, stickyExit);
                exits[sessionId] = exit;
                slowest = new[] { slowest, plain, sticky }.Max();
            }

            Assert.True(await StoredSessionCountAsync(holder) == 0, "the lock holder sees no session rows written under its lock");
        }

        Assert.True(slowest < BusyTimeout, $"slowest request while the database was locked took {slowest.TotalMilliseconds:F0} ms");

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

    /// <summary>One request through curl: its exit code, the exit address and curl's own total time for the transfer.</summary>
    private async Task<(int ExitCode, string Exit, TimeSpan Elapsed)> RequestAsync(string username)
    {
        CurlResult result = await Curl.RunAsync(["-f", "-x", fixture.Product.ProxyUrl(username), "-w", "\n%{time_total}", fixture.OriginUrl("ip")]);
        string[] lines = result.Output.Trim().Split('\n');
        TimeSpan elapsed = TimeSpan.FromSeconds(double.Parse(lines[^1], System.Globalization.CultureInfo.InvariantCulture));
        return (result.ExitCode, lines.Length > 1 ? lines[0].Trim() : string.Empty, elapsed);
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
}
