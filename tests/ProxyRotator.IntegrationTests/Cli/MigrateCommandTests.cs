using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Hosting;
using ProxyRotator.Store;

namespace ProxyRotator.IntegrationTests.Cli;

public sealed class MigrateCommandTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Migrate_FreshFolder_CreatesTheDatabaseWithEveryTable()
    {
        string config = _workspace.WriteConfig("[]");

        (int exitCode, string output, string error) = await CliWorkspace.RunAsync(["migrate", "--config", config]);

        Assert.True(exitCode == 0, error);
        Assert.Contains($"{_workspace.DatabasePath}: applied ", output, StringComparison.Ordinal);
        Assert.True(File.Exists(_workspace.DatabasePath));

        string[] expected = [.. (await ModelTablesAsync(config)).Order(StringComparer.Ordinal)];
        Assert.Contains("Upstreams", expected);
        string[] tables = SqliteTables(_workspace.DatabasePath);
        Assert.Contains("__EFMigrationsHistory", tables);
        Assert.Equal(expected, tables.Where(t => !t.StartsWith("__EF", StringComparison.Ordinal))); // EF's own bookkeeping aside
    }

    [Fact]
    public async Task Migrate_Twice_SecondRunIsUpToDate()
    {
        string config = _workspace.WriteConfig("[]");
        Assert.Equal(0, (await CliWorkspace.RunAsync(["migrate", "--config", config])).ExitCode);

        (int exitCode, string output, _) = await CliWorkspace.RunAsync(["migrate", "--config", config]);

        Assert.Equal(0, exitCode);
        Assert.Contains(": up to date (", output, StringComparison.Ordinal);
    }

    private static async Task<string[]> ModelTablesAsync(string configPath)
    {
        await using ProxyRotatorApp app = ProxyRotatorApp.Create(ConfigLoader.Load(configPath));
        await using ProxyRotatorDbContext db = await app.Services.GetRequiredService<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync();
        return [.. db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct()];
    }

    private static string[] SqliteTables(string file)
    {
        using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
        using SqliteDataReader reader = command.ExecuteReader();
        var tables = new List<string>();
        while (reader.Read())
        {
            tables.Add(reader.GetString(0));
        }

        return [.. tables.Order(StringComparer.Ordinal)];
    }
}
