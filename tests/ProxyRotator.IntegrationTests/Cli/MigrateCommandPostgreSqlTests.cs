using Npgsql;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Cli;

/// <summary><c>migrate</c> against PostgreSQL given as a <c>postgres://</c> URL with credentials.</summary>
public sealed class MigrateCommandPostgreSqlTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [PostgresFact]
    public async Task Migrate_PostgresUrl_AppliesThePostgreSqlMigrationsAndNeverShowsThePassword()
    {
        string connectionString = await PostgresTestServer.CreateDatabaseAsync();
        try
        {
            var server = new NpgsqlConnectionStringBuilder(connectionString);
            // Trust authentication on the test server: the password is checked by nobody, so it only has to stay hidden.
            string url = $"postgres://{server.Username}:Hunter2-never-shown@{server.Host}:{server.Port}/{server.Database}";
            string config = _workspace.WriteConfig("[]");
            File.WriteAllText(config, File.ReadAllText(config).Replace("\"Data Source=proxyrotator.db\"", $"\"{url}\"", StringComparison.Ordinal));

            (int exitCode, string output, string error) = await CliWorkspace.RunAsync(["migrate", "--config", config]);

            Assert.True(exitCode == 0, error);
            Assert.Contains($"postgresql://{server.Host}:{server.Port}/{server.Database}: applied ", output, StringComparison.Ordinal);
            Assert.Contains("_QuartzTables", output, StringComparison.Ordinal);
            Assert.DoesNotContain("Hunter2", output + error, StringComparison.Ordinal);
            Assert.False(File.Exists(_workspace.DatabasePath)); // no SQLite file on the side
        }
        finally
        {
            await PostgresTestServer.DropDatabaseAsync(connectionString);
        }
    }
}
