using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Providers;
using ProxyRotator.Providers.Resilience;
using ProxyRotator.Store;
using ProxyRotator.Store.Entities;
using ProxyRotator.Store.Sync;

namespace ProxyRotator.IntegrationTests.Providers;

/// <summary>
/// The provider import as the product wires it (<c>AddProxyRotatorStore</c> + <c>AddProxyRotatorProviders</c>: keyed
/// Refit clients behind the Polly pipeline) over a real SQLite file with the real migrations.
/// </summary>
internal sealed class ProviderTestWorld : IAsyncDisposable
{
    public const string PoolName = "res";
    public const string ProviderName = "acme";

    private readonly ServiceProvider _services;

    private ProviderTestWorld(ServiceProvider services, string folder, ProxyRotatorConfig config)
    {
        _services = services;
        Folder = folder;
        Config = config;
    }

    public string Folder { get; }
    public ProxyRotatorConfig Config { get; }
    public IServiceProvider Services => _services;

    public static async Task<ProviderTestWorld> CreateAsync(
        ProviderOptions provider, Action<IServiceCollection>? configure = null, Action<ProviderResilienceOptions>? resilience = null)
    {
        string folder = Path.Combine(Path.GetTempPath(), "proxyrotator-providers-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var config = new ProxyRotatorConfig
        {
            Database = $"Data Source={Path.Combine(folder, "providers.db")};Pooling=False",
            Pools =
            [
                new PoolOptions
                {
                    Name = PoolName,
                    Type = UpstreamType.Residential,
                    // One static upstream: provider syncs must never touch it.
                    Proxies = [new ProxyEntryOptions { Endpoint = new UpstreamEndpoint(UpstreamScheme.Http, "127.0.8.1", 8000, null, null) }],
                    Providers = [provider],
                },
            ],
        };

        var services = new ServiceCollection();
        services.AddLogging();
        // The system clock: the Polly pipeline's back-off and timeouts run on the registered TimeProvider.
        services.AddProxyRotatorStore(config);
        services.AddProxyRotatorProviders(config);
        services.Configure<ProviderResilienceOptions>(o =>
        {
            o.MaxRetries = 2;
            o.RetryDelay = TimeSpan.FromMilliseconds(1);
            o.AttemptTimeout = TimeSpan.FromSeconds(10);
            resilience?.Invoke(o);
        });
        configure?.Invoke(services);
        ServiceProvider built = services.BuildServiceProvider();
        await built.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        await built.GetRequiredService<PoolSynchronizer>().SyncConfigAsync(config, CancellationToken.None);
        return new ProviderTestWorld(built, folder, config);
    }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>The pool's upstreams as stored: address, status, credentials and tags, for before/after comparisons.</summary>
    public async Task<List<StoredUpstream>> UpstreamsAsync()
    {
        await using ProxyRotatorDbContext db = await Get<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync();
        List<UpstreamEntity> rows = await db.Upstreams.OrderBy(u => u.Id).ToListAsync();
        return [.. rows.Select(u => new StoredUpstream(u.AddressKey, u.Status, u.Source, u.Type, u.DeclaredCountry, u.City, u.Username, u.Password))];
    }

    public async Task<ProviderSourceEntity> ProviderSourceAsync()
    {
        await using ProxyRotatorDbContext db = await Get<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync();
        return await db.ProviderSources.SingleAsync(p => p.Name == ProviderName);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    public sealed record StoredUpstream(
        string Address, UpstreamStatus Status, string Source, UpstreamType Type, string? Country, string? City, string? Username, string? Password);
}
