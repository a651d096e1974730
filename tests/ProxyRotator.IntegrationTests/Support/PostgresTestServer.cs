using Npgsql;

namespace ProxyRotator.IntegrationTests.Support;

/// <summary>
/// The PostgreSQL server the tests may use: <c>PROXYROTATOR_TEST_POSTGRES</c> holds an Npgsql connection string to
/// it (<c>.ci/run</c> starts a throw-away cluster and sets it). Without the variable, tests marked
/// <see cref="PostgresTestClassAttribute"/> or <see cref="PostgresFactAttribute"/> are reported as skipped with
/// <see cref="SkipReason"/>, so a plain <c>dotnet test</c> works without PostgreSQL.
/// </summary>
internal static class PostgresTestServer
{
    public const string VariableName = "PROXYROTATOR_TEST_POSTGRES";

    public const string SkipReason = "PostgreSQL tests skipped: " + VariableName + " is not set (.ci/run starts a throw-away PostgreSQL and sets it)";

    /// <summary>The server's connection string, or null when the variable is not set.</summary>
    public static string? ConnectionString =>
        Environment.GetEnvironmentVariable(VariableName) is { Length: > 0 } value ? value : null;

    public static bool IsAvailable => ConnectionString is not null;

    /// <summary>Creates a fresh, uniquely named database and returns a connection string to it (tests stay parallel-safe).</summary>
    public static async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        string server = ConnectionString ?? throw new InvalidOperationException(SkipReason);
        string name = "prtest_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using NpgsqlCommand command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing whatever still uses it.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        string server = ConnectionString ?? throw new InvalidOperationException(SkipReason);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        using (var pooled = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using NpgsqlCommand command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS \"{builder.Database}\" WITH (FORCE)";
        await command.ExecuteNonQueryAsync();
    }
}
