using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Store;

namespace ProxyRotator.IntegrationTests.Store;

public sealed class DatabaseMigratorTests
{
    [Fact]
    public async Task MigrateAsync_NewFile_CreatesEveryTable()
    {
        await using StoreTestDatabase database = await StoreTestDatabase.CreateAsync();

        Assert.True(File.Exists(database.FilePath));
        HashSet<string> tables = await QueryStringsAsync(database.ConnectionString, "SELECT name FROM sqlite_master WHERE type = 'table'");
        foreach (string table in new[]
                 {
                     "Pools", "Upstreams", "UpstreamStatusTransitions", "StickySessions", "HealthCheckResults", "ProviderSources",
                     "__EFMigrationsHistory",
                 })
        {
            Assert.Contains(table, tables);
        }
    }

    [Fact]
    public async Task MigrateAsync_NewFile_RecordsInitialMigrationAndUsesWal()
    {
        await using StoreTestDatabase database = await StoreTestDatabase.CreateAsync();

        IReadOnlyList<string> applied = await database.Get<DatabaseMigrator>().GetAppliedMigrationsAsync(CancellationToken.None);
        Assert.Contains(applied, m => m.EndsWith("_InitialCreate", StringComparison.Ordinal));
        Assert.Equal("wal", Assert.Single(await QueryStringsAsync(database.ConnectionString, "PRAGMA journal_mode")));
    }

    [Fact]
    public async Task MigrateAsync_AlreadyMigrated_ChangesNothing()
    {
        await using StoreTestDatabase database = await StoreTestDatabase.CreateAsync();
        IReadOnlyList<string> before = await database.Get<DatabaseMigrator>().GetAppliedMigrationsAsync(CancellationToken.None);

        await database.Get<DatabaseMigrator>().MigrateAsync(CancellationToken.None);

        Assert.Equal(before, await database.Get<DatabaseMigrator>().GetAppliedMigrationsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Model_ComparedWithMigrations_HasNoPendingChanges()
    {
        await using StoreTestDatabase database = await StoreTestDatabase.CreateAsync();
        await using ProxyRotatorDbContext db = await database.OpenContextAsync();

        // Fails when the model changes without a new migration (add one with dotnet ef, never edit an old one).
        Assert.False(db.Database.HasPendingModelChanges());
    }

    [Fact]
    public async Task MigrateAsync_FolderMissing_CreatesFolderAndFile()
    {
        await using StoreTestDatabase database = await StoreTestDatabase.CreateAsync();
        string nested = Path.Combine(database.Folder, "a", "b", "nested.db");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddProxyRotatorStore(new ProxyRotatorConfig { Database = $"Data Source={nested};Pooling=False" });
        await using ServiceProvider provider = services.BuildServiceProvider();

        await provider.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);

        Assert.True(File.Exists(nested));
    }

    private static async Task<HashSet<string>> QueryStringsAsync(string connectionString, string sql)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        var values = new HashSet<string>(StringComparer.Ordinal);
        await using SqliteDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
