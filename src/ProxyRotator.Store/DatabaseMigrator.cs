using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;

namespace ProxyRotator.Store;

/// <summary>
/// Applies pending migrations from the provider's own migrations assembly (SQLite or PostgreSQL; on PostgreSQL they
/// include Quartz's job store tables); for SQLite it also creates the database file and its folder. Instances that
/// start together are safe: EF Core takes a migration lock, and every step is applied once.
/// </summary>
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

            IReadOnlyList<string> applied = await AppliedAsync(db, cancellationToken).ConfigureAwait(false);
            string[] pending = [.. db.Database.GetMigrations().Except(applied, StringComparer.Ordinal)];
            if (pending.Length == 0)
            {
                logger.LogDebug("Database schema is up to date");
                return;
            }

            logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Length, string.Join(", ", pending));
            if (applied.Count == 0)
            {
                // The history table first (IF NOT EXISTS): on a fresh PostgreSQL database EF would otherwise query it
                // before creating it and log that failed command as an error.
                string create = db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript();
                await db.Database.ExecuteSqlRawAsync(create, cancellationToken).ConfigureAwait(false);
            }

            await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Names the migrations already applied, oldest first.</summary>
    public async Task<IReadOnlyList<string>> GetAppliedMigrationsAsync(CancellationToken cancellationToken)
    {
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await AppliedAsync(db, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The applied migrations, or none when the history table does not exist yet. Asked directly, PostgreSQL's
    /// provider would query the missing table and log the failed command as an error on every fresh database.
    /// </summary>
    private static async Task<IReadOnlyList<string>> AppliedAsync(ProxyRotatorDbContext db, CancellationToken cancellationToken)
    {
        IHistoryRepository history = db.GetService<IHistoryRepository>();
        if (!await history.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return [];
        }

        return [.. await db.Database.GetAppliedMigrationsAsync(cancellationToken).ConfigureAwait(false)];
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
