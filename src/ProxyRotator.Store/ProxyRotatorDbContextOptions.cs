using Microsoft.EntityFrameworkCore;
using ProxyRotator.Store.Infrastructure;

namespace ProxyRotator.Store;

/// <summary>
/// Configures <see cref="ProxyRotatorDbContext"/> the same way for the host, tests and design-time tools. The one
/// place that picks the provider (<see cref="StoreDatabase"/>) and its migrations assembly.
/// </summary>
public static class ProxyRotatorDbContextOptions
{
    /// <summary>Configures the store for a <c>database</c> value: a SQLite path or connection string, or PostgreSQL.</summary>
    public static DbContextOptionsBuilder UseProxyRotatorStore(this DbContextOptionsBuilder builder, string connectionString, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseProxyRotatorStore(StoreDatabase.Parse(connectionString), timeProvider);
    }

    public static DbContextOptionsBuilder UseProxyRotatorStore(this DbContextOptionsBuilder builder, StoreDatabase database, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(database);
        if (database.Provider == StoreProvider.PostgreSql)
        {
            return builder
                .UseNpgsql(database.ConnectionString, npgsql => npgsql.MigrationsAssembly(database.MigrationsAssembly))
                .AddInterceptors(new UpdatedAtInterceptor(timeProvider));
        }

        return builder
            .UseSqlite(database.ConnectionString, sqlite => sqlite.MigrationsAssembly(database.MigrationsAssembly))
            .AddInterceptors(new SqlitePragmaInterceptor(), new UpdatedAtInterceptor(timeProvider));
    }
}
