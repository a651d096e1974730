using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using ProxyRotator.Store;

namespace ProxyRotator.Migrations.PostgreSql;

/// <summary>
/// Lets <c>dotnet ef</c> build the context for PostgreSQL without the host. Generating migrations does not open the
/// connection; <c>dotnet ef database update -- "Host=…"</c> passes a real one.
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<ProxyRotatorDbContext>
{
    public ProxyRotatorDbContext CreateDbContext(string[] args)
    {
        string connectionString = args.Length > 0 ? args[0] : "Host=localhost;Database=proxyrotator_design;Username=postgres";
        var builder = new DbContextOptionsBuilder<ProxyRotatorDbContext>();
        builder.UseProxyRotatorStore(connectionString, TimeProvider.System);
        return new ProxyRotatorDbContext(builder.Options);
    }
}
