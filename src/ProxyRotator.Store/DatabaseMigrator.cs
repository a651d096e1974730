using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ProxyRotator.Store;

/// <summary>Applies pending migrations; for SQLite it also creates the database file and its folder.</summary>
public sealed class DatabaseMigrator(IDbContextFactory<ProxyRotatorDbContext> contextFactory, ILogger<DatabaseMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (db.Database.IsSqlite())
            {
                EnsureSqliteFolder(db.Database.GetConnectionString());
            }

            string[] pending = [.. await db.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)];
            if (pending.Length == 0)
            {
                logger.LogDebug("Database schema is up to date");
                return;
            }

            logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Length, string.Join(", ", pending));
            await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Names the migrations already applied, oldest first.</summary>
    public async Task<IReadOnlyList<string>> GetAppliedMigrationsAsync(CancellationToken cancellationToken)
    {
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return [.. await db.Database.GetAppliedMigrationsAsync(cancellationToken).ConfigureAwait(false)];
        }
    }

    private static void EnsureSqliteFolder(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            return;
        }

        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:")
        {
            return;
        }

        string? folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }
}
