using Npgsql;
using ProxyRotator.Store;

namespace ProxyRotator.UnitTests.Store;

public sealed class StoreDatabaseTests
{
    [Theory]
    [InlineData("proxyrotator.db")]
    [InlineData("Data Source=/data/proxyrotator.db")]
    [InlineData("Data Source=:memory:")]
    public void Parse_SqlitePathOrDataSource_IsSqliteWithTheSqliteMigrations(string value)
    {
        StoreDatabase database = StoreDatabase.Parse(value);

        Assert.Equal(StoreProvider.Sqlite, database.Provider);
        Assert.Equal(ProxyRotatorDbContext.MigrationsAssembly, database.MigrationsAssembly);
        Assert.StartsWith("Data Source=", database.ConnectionString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres://proxy:s%40cret@db.example:6543/pool%20db")]
    [InlineData("postgresql://proxy:s%40cret@db.example:6543/pool%20db")]
    [InlineData("Host=db.example;Port=6543;Username=proxy;Password=s@cret;Database=pool db")]
    public void Parse_PostgreSqlUrlOrConnectionString_IsPostgreSqlWithDecodedParts(string value)
    {
        StoreDatabase database = StoreDatabase.Parse(value);

        Assert.Equal(StoreProvider.PostgreSql, database.Provider);
        Assert.Equal(ProxyRotatorDbContext.PostgreSqlMigrationsAssembly, database.MigrationsAssembly);
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        Assert.Equal(("db.example", 6543, "proxy", "s@cret", "pool db"), (builder.Host, builder.Port, builder.Username, builder.Password, builder.Database));
    }

    [Fact]
    public void Parse_UrlWithQuery_PassesParametersThrough()
    {
        StoreDatabase database = StoreDatabase.Parse("postgres://proxy@db.example/proxyrotator?sslmode=require&Timeout=7");

        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        Assert.Equal((SslMode.Require, 7, NpgsqlConnection.DefaultPort), (builder.SslMode, builder.Timeout, builder.Port));
    }

    [Theory]
    [InlineData("postgres://proxy:secret@db.example:5432/proxyrotator", "postgresql://db.example/proxyrotator")]
    [InlineData("Host=db.example;Port=6000;Username=proxy;Password=secret;Database=pr", "postgresql://db.example:6000/pr")]
    public void Description_PostgreSql_NamesServerAndDatabaseButNoCredentials(string value, string expected)
    {
        StoreDatabase database = StoreDatabase.Parse(value);

        Assert.Equal(expected, database.Description);
        Assert.Equal(expected, database.ToString());
        Assert.DoesNotContain("secret", database.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("proxy@", database.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownUrlParameter_FailsWithoutRepeatingTheUrl()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => StoreDatabase.Parse("postgres://u:topsecret@db.example/x?nonsense=1"));

        Assert.DoesNotContain("topsecret", error.Message, StringComparison.Ordinal);
    }
}
