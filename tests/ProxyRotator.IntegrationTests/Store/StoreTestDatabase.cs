using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Store;

namespace ProxyRotator.IntegrationTests.Store;

/// <summary>
/// A real SQLite file in its own temporary folder, or a fresh PostgreSQL database on the test server, with the real
/// migrations applied. <see cref="OpenInstance"/> gives another service provider over the same database, as a
/// restarted process or a second instance would have.
/// </summary>
internal sealed class StoreTestDatabase : IAsyncDisposable
{
    private readonly List<ServiceProvider> _providers = [];

    private StoreTestDatabase(string folder, StoreProvider provider, string? postgresConnectionString)
    {
        Folder = folder;
        Provider = provider;
        FilePath = Path.Combine(folder, "store.db");
        // No connection pooling, so the folder can be deleted at the end.
        ConnectionString = postgresConnectionString ?? $"Data Source={FilePath};Pooling=False";
    }

    public StoreProvider Provider { get; }

    public string Folder { get; }
    public string FilePath { get; }
    public string ConnectionString { get; }
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    public IServiceProvider Services => _providers[0];

    public static async Task<StoreTestDatabase> CreateAsync(StoreProvider provider = StoreProvider.Sqlite)
    {
        string folder = Path.Combine(Path.GetTempPath(), "proxyrotator-store-" + Guid.NewGuid().ToString("N"));
        string? postgres = provider == StoreProvider.PostgreSql ? await PostgresTestServer.CreateDatabaseAsync() : null;
        var database = new StoreTestDatabase(folder, provider, postgres);
        IServiceProvider services = database.BuildProvider();
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        return database;
    }

    /// <summary>A fresh set of store services over the same file (a restart, or another instance).</summary>
    public IServiceProvider OpenInstance() => BuildProvider();

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public ProxyRotatorConfig Config(params PoolOptions[] pools) => new() { Database = ConnectionString, Pools = [.. pools] };

    public async Task<ProxyRotatorDbContext> OpenContextAsync() =>
        await Get<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync();

    public static PoolOptions Pool(string name, UpstreamType type, params ProxyEntryOptions[] proxies) =>
        new() { Name = name, Type = type, Proxies = [.. proxies] };

    public static ProxyEntryOptions Proxy(string url, UpstreamType? type = null, string? country = null, string? city = null) =>
        new() { Endpoint = Endpoint(url), Type = type, Country = country, City = city };

    public static UpstreamEndpoint Endpoint(string url) =>
        UpstreamEndpoint.TryParse(url, out UpstreamEndpoint? endpoint, out string? error) ? endpoint! : throw new ArgumentException(error, nameof(url));

    public async ValueTask DisposeAsync()
    {
        foreach (ServiceProvider provider in _providers)
        {
            await provider.DisposeAsync();
        }

        if (Provider == StoreProvider.PostgreSql)
        {
            await PostgresTestServer.DropDatabaseAsync(ConnectionString);
            return;
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp folder left behind is harmless
        }
    }

    private ServiceProvider BuildProvider()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        services.AddProxyRotatorStore(new ProxyRotatorConfig { Database = ConnectionString });
        ServiceProvider provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }
}
