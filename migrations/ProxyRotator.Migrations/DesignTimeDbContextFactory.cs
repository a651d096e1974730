using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using ProxyRotator.Store;

namespace ProxyRotator.Migrations;

/// <summary>
/// Lets <c>dotnet ef</c> build the context without the host. The connection string only matters for commands that
/// touch a database (<c>dotnet ef database update</c>); generating migrations does not open it.
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<ProxyRotatorDbContext>
{
    public ProxyRotatorDbContext CreateDbContext(string[] args)
    {
        string connectionString = args.Length > 0 ? args[0] : "Data Source=proxyrotator.design.db";
        var builder = new DbContextOptionsBuilder<ProxyRotatorDbContext>();
        builder.UseProxyRotatorStore(connectionString, TimeProvider.System);
        return new ProxyRotatorDbContext(builder.Options);
    }
}
