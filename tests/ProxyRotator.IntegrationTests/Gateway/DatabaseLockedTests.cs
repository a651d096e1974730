using System.Diagnostics;
using Microsoft.Data.Sqlite;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>
/// The database persists, it is not on the request path: while another connection holds SQLite's write lock,
/// rotating requests and brand-new sticky sessions are served at normal speed; once the lock ends the sessions
/// are stored, and a restart over the same file keeps them.
/// </summary>
public sealed class DatabaseLockedTests(DatabaseLockedTests.Fixture fixture) : IClassFixture<DatabaseLockedTests.Fixture>
{
    /// <summary>Longer than SQLite's busy timeout (5 s), so a request that waited for the database would show it.</summary>
    private static readonly TimeSpan LockHeld = TimeSpan.FromSeconds(6);

    /// <summary>A request on loopback takes milliseconds; one that waited for the lock would take the busy timeout.</summary>
    private static readonly TimeSpan Slowest = TimeSpan.FromSeconds(2);

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
            var held = Stopwatch.StartNew();
            int round = 0;
            while (held.Elapsed < LockHeld)
            {
                (int plainExit, _, TimeSpan plain) = await RequestAsync(TestConfigs.User);
                string sessionId = "locked" + round++;
                (int stickyExit, string exit, TimeSpan sticky) = await RequestAsync(TestConfigs.User + "-session-" + sessionId);

                Assert.Equal(0, plainExit);
                Assert.Equal(0, stickyExit);
                exits[sessionId] = exit;
                slowest = new[] { slowest, plain, sticky }.Max();
            }

            Assert.True(await StoredSessionCountAsync(holder) == 0, "the lock holder sees no session rows written under its lock");
        }

        Assert.True(slowest < Slowest, $"slowest request while the database was locked took {slowest.TotalMilliseconds:F0} ms");
        Assert.True(exits.Count >= 3, $"only {exits.Count} sessions were created while the lock was held");

        using var reader = new SqliteConnection($"Data Source={fixture.DatabasePath}");
        await reader.OpenAsync();
        var deadline = Stopwatch.StartNew();
        while (await StoredSessionCountAsync(reader) < exits.Count && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        Assert.Equal(exits.Count, await StoredSessionCountAsync(reader));
        await fixture.RestartProductAsync();
        foreach ((string sessionId, string exit) in exits)
        {
            Assert.Equal(exit, (await RequestAsync(TestConfigs.User + "-session-" + sessionId)).Exit);
        }
    }

    private async Task<(int ExitCode, string Exit, TimeSpan Elapsed)> RequestAsync(string username)
    {
        var watch = Stopwatch.StartNew();
        CurlResult result = await Curl.RunAsync(["-f", "-x", fixture.Product.ProxyUrl(username), fixture.OriginUrl("ip")]);
        return (result.ExitCode, result.Output.Trim(), watch.Elapsed);
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
