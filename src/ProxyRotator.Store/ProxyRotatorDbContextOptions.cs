using Microsoft.EntityFrameworkCore;
using ProxyRotator.Store.Infrastructure;

namespace ProxyRotator.Store;

/// <summary>Configures <see cref="ProxyRotatorDbContext"/> the same way for the host, tests and design-time tools.</summary>
public static class ProxyRotatorDbContextOptions
{
    public static DbContextOptionsBuilder UseProxyRotatorStore(this DbContextOptionsBuilder builder, string connectionString, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder
            .UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly(ProxyRotatorDbContext.MigrationsAssembly))
            .AddInterceptors(new SqlitePragmaInterceptor(), new UpdatedAtInterceptor(timeProvider));
    }
}
