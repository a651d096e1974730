using Microsoft.EntityFrameworkCore;
using Npgsql;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Store;

namespace ProxyRotator.IntegrationTests.Store;

/// <summary><see cref="DatabaseMigrator"/> on a real PostgreSQL: the store's tables and Quartz's job store tables.</summary>
public sealed class PostgreSqlMigrationTests
{
    private static readonly string[] QuartzTables =
    [
        "qrtz_blob_triggers", "qrtz_calendars", "qrtz_cron_triggers", "qrtz_fired_triggers", "qrtz_job_details", "qrtz_locks",
        "qrtz_paused_job_grps", "qrtz_paused_trigger_grps", "qrtz_scheduler_state", "qrtz_simple_triggers", "qrtz_simprop_triggers",
        "qrtz_triggers", "qrtz_execution_history", "qrtz_misfire_history", "qrtz_job_status",
    ];

    [PostgresFact]
    public async Task MigrateAsync_PostgreSql_CreatesStoreAndQuartzTables()
    {
        await using StoreTestDatabase database = await StoreTestDatabase.CreateAsync(StoreProvider.PostgreSql);

        HashSet<string> tables = await QueryStringsAsync(database.ConnectionString,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
        Assert.Superset(new HashSet<string>(["Pools", "Upstreams", "UpstreamStatusTransitions", "StickySessions", "HealthCheckResults", "ProviderSources", "__EFMigrationsHistory"]), tables);
        Assert.Superset(new HashSet<string>(QuartzTables), tables);
        HashSet<string> triggerColumns = await QueryStringsAsync(database.ConnectionString,
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'qrtz_triggers'");
        Assert.Superset(new HashSet<string>(["misfire_orig_fire_time", "execution_group", "preferred_node", "preferred_node_auto"]), triggerColumns);
    }

    [PostgresFact]
    public async Task MigrateAsync_PostgreSql_AppliesEveryMigrationOfThePostgreSqlAssemblyAndIsIdempotent()
    {
        await using StoreTestDatabase database = await StoreTestDatabase.CreateAsync(StoreProvider.PostgreSql);
        DatabaseMigrator migrator = database.Get<DatabaseMigrator>();

        await migrator.MigrateAsync(CancellationToken.None);
        IReadOnlyList<string> applied = await migrator.GetAppliedMigrationsAsync(CancellationToken.None);

        await using ProxyRotatorDbContext db = await database.OpenContextAsync();
        Assert.Equal(db.Database.GetMigrations(), applied);
        Assert.Contains(applied, m => m.EndsWith("_QuartzTables", StringComparison.Ordinal));
        Assert.Equal("Npgsql.EntityFrameworkCore.PostgreSQL", db.Database.ProviderName);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    private static async Task<HashSet<string>> QueryStringsAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using NpgsqlCommand command = connection.CreateCommand();
        command.CommandText = sql;
        var values = new HashSet<string>(StringComparer.Ordinal);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
