using System.Data.Common;
using Npgsql;

namespace ProxyRotator.Store;

/// <summary>
/// The configured <c>database</c> value read once: which provider it names and the ADO.NET connection string for
/// it. A SQLite path or <c>Data Source=…</c> is SQLite; a connection string with <c>Host=…</c> (or <c>Server=…</c>)
/// or a <c>postgres://user:pass@host:port/db</c> (also <c>postgresql://</c>) URL is PostgreSQL.
/// <see cref="ToString"/> and <see cref="Description"/> never carry the password.
/// </summary>
public sealed class StoreDatabase
{
    private StoreDatabase(StoreProvider provider, string connectionString, string description)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Description = description;
    }

    public StoreProvider Provider { get; }

    /// <summary>The provider's own connection string (a URL becomes key=value pairs). Holds credentials: never log it.</summary>
    public string ConnectionString { get; }

    /// <summary>Safe to show: the SQLite file, or <c>postgresql://host:port/database</c> without user or password.</summary>
    public string Description { get; }

    /// <summary>The migrations assembly that matches <see cref="Provider"/>.</summary>
    public string MigrationsAssembly => Provider == StoreProvider.PostgreSql
        ? ProxyRotatorDbContext.PostgreSqlMigrationsAssembly
        : ProxyRotatorDbContext.MigrationsAssembly;

    /// <summary>Reads a <c>database</c> value (as the configuration loader resolved it).</summary>
    /// <exception cref="ArgumentException">Not a connection string or URL either provider accepts.</exception>
    public static StoreDatabase Parse(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        string trimmed = value.Trim();
        if (IsPostgresUrl(trimmed))
        {
            return PostgreSql(FromUrl(trimmed));
        }

        if (!trimmed.Contains('=', StringComparison.Ordinal))
        {
            return Sqlite("Data Source=" + trimmed);
        }

        var builder = new DbConnectionStringBuilder { ConnectionString = trimmed };
        return builder.ContainsKey("Host") || builder.ContainsKey("Server")
            ? PostgreSql(new NpgsqlConnectionStringBuilder(trimmed))
            : Sqlite(trimmed);
    }

    /// <summary>Whether <paramref name="value"/> is a <c>postgres://</c> or <c>postgresql://</c> URL.</summary>
    public static bool IsPostgresUrl(string value) =>
        value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    public override string ToString() => Description;

    private static StoreDatabase Sqlite(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        string? file = new[] { "Data Source", "DataSource", "Filename" }.Where(builder.ContainsKey).Select(k => builder[k] as string).FirstOrDefault();
        return new StoreDatabase(StoreProvider.Sqlite, connectionString, string.IsNullOrEmpty(file) ? "sqlite database" : file);
    }

    private static StoreDatabase PostgreSql(NpgsqlConnectionStringBuilder builder)
    {
        string description = $"postgresql://{builder.Host}{(builder.Port == NpgsqlConnection.DefaultPort ? "" : $":{builder.Port}")}/{builder.Database}";
        return new StoreDatabase(StoreProvider.PostgreSql, builder.ConnectionString, description);
    }

    /// <summary>
    /// <c>postgres://user:pass@host:port/db?key=value</c> as Npgsql key=value pairs. User and password are
    /// percent-decoded; query parameters (e.g. <c>sslmode=require</c>) pass through as connection string keywords.
    /// </summary>
    private static NpgsqlConnectionStringBuilder FromUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException("is not a valid postgres:// URL (postgres://user:password@host:port/database)");
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = uri.IdnHost };
        if (!uri.IsDefaultPort && uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        if (uri.UserInfo.Length > 0)
        {
            string[] parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        string database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (string pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = pair.Split('=', 2);
            try
            {
                builder[Uri.UnescapeDataString(kv[0])] = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "true";
            }
            catch (ArgumentException)
            {
                throw new ArgumentException($"has an unknown connection parameter '{Uri.UnescapeDataString(kv[0])}'");
            }
        }

        return builder;
    }
}
