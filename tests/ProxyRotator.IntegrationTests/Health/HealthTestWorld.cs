using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health;
using ProxyRotator.Core.GeoIp;
using ProxyRotator.Health.Probing;
using ProxyRotator.Simulation.Origin;
using ProxyRotator.Simulation.Upstreams;
using ProxyRotator.Store;
using ProxyRotator.Store.Entities;
using ProxyRotator.Store.Sync;

namespace ProxyRotator.IntegrationTests.Health;

/// <summary>
/// A small world for health tests: an IP-echo origin, simulated upstreams on their own loopback addresses, a real
/// SQLite file with the store's migrations, and the health services over a <see cref="FakeTimeProvider"/> (the
/// schedule, back-off and retirement run on the fake clock; the probes' own I/O timeouts on the real one).
/// </summary>
internal sealed class HealthTestWorld : IAsyncDisposable
{
    private readonly List<SimulatedUpstreamProxy> _upstreams = [];
    private ServiceProvider? _services;

    private HealthTestWorld(string folder, IpEchoOrigin origin, HealthCheckOptions options)
    {
        Folder = folder;
        Origin = origin;
        Options = options;
        ConnectionString = $"Data Source={Path.Combine(folder, "health.db")};Pooling=False";
    }

    public string Folder { get; }
    public IpEchoOrigin Origin { get; }
    public HealthCheckOptions Options { get; }
    public string ConnectionString { get; }
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    public IServiceProvider Services => _services ?? throw new InvalidOperationException("Call BuildAsync first.");

    /// <summary>Options with a fast probe timeout and small thresholds; adjust before <see cref="BuildAsync"/>.</summary>
    public static async Task<HealthTestWorld> CreateAsync(Action<HealthCheckOptions>? configure = null)
    {
        string folder = Path.Combine(Path.GetTempPath(), "proxyrotator-health-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        IpEchoOrigin origin = await IpEchoOrigin.StartAsync();
        var options = new HealthCheckOptions
        {
            Url = origin.HttpUrl.ToString(),
            Interval = TimeSpan.FromMinutes(1),
            Timeout = TimeSpan.FromSeconds(2),
            Concurrency = 8,
            QuarantineAfterFailures = 3,
            ReviveAfterSuccesses = 2,
            RetireAfterFailedRechecks = 4,
            RetireAfter = TimeSpan.FromDays(1),
            MaxBackoff = TimeSpan.FromMinutes(30),
        };
        configure?.Invoke(options);
        return new HealthTestWorld(folder, origin, options);
    }

    public SimulatedUpstreamProxy StartUpstream(string address, UpstreamScheme scheme = UpstreamScheme.Http, string? user = "u", string? password = "p@ss:word")
    {
        SimulatedUpstreamProxy proxy = SimulatedUpstreamProxy.Start(new SimulatedUpstreamOptions
        {
            ListenAddress = IPAddress.Parse(address),
            Scheme = scheme,
            Username = user,
            Password = password,
        });
        _upstreams.Add(proxy);
        return proxy;
    }

    /// <summary>Builds the services (store + health, no Quartz), applies migrations and syncs <paramref name="pools"/>.</summary>
    public async Task BuildAsync(IGeoIpLookup? geo = null, IUpstreamProbe? probe = null, params PoolOptions[] pools)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        var config = new ProxyRotatorConfig { Database = ConnectionString, HealthCheck = Options, Pools = [.. pools] };
        services.AddProxyRotatorStore(config);
        services.AddSingleton(probe ?? new UpstreamProbe(Options, TimeProvider.System, NullLogger<UpstreamProbe>.Instance));
        if (geo is not null)
        {
            services.AddSingleton(geo);
        }

        services.AddProxyRotatorHealthServices(Options);
        _services = services.BuildServiceProvider();
        await Get<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        await Get<PoolSynchronizer>().SyncConfigAsync(config, CancellationToken.None);
        await Get<IPoolSnapshotSource>().RefreshAsync(CancellationToken.None);
    }

    /// <summary>Adds many upstreams straight to the store (faster than a configuration sync, for bulk tests).</summary>
    public async Task AddUpstreamsAsync(string pool, UpstreamType type, IEnumerable<UpstreamEndpoint> endpoints)
    {
        await using ProxyRotatorDbContext db = await Get<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync();
        var poolRow = new PoolEntity { Name = pool, Type = type, CreatedAt = Time.GetUtcNow() };
        foreach (UpstreamEndpoint endpoint in endpoints)
        {
            var upstream = new UpstreamEntity
            {
                Scheme = endpoint.Scheme,
                Host = endpoint.Host,
                Port = endpoint.Port,
                AddressKey = endpoint.Address,
                Type = type,
                Source = UpstreamEntity.ConfigSource,
                CreatedAt = Time.GetUtcNow(),
            };
            upstream.InitializeStatus(UpstreamStatus.Pending, "added by test", Time.GetUtcNow());
            poolRow.Upstreams.Add(upstream);
        }

        db.Pools.Add(poolRow);
        await db.SaveChangesAsync();
        await Get<IPoolSnapshotSource>().RefreshAsync(CancellationToken.None);
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public static PoolOptions Pool(string name, UpstreamType type, params ProxyEntryOptions[] proxies) =>
        new() { Name = name, Type = type, Proxies = [.. proxies] };

    public static ProxyEntryOptions Entry(SimulatedUpstreamProxy proxy, string? country = null, UpstreamType? type = null) =>
        new() { Endpoint = proxy.Endpoint, Country = country, Type = type };

    public async Task<UpstreamEntity> UpstreamAsync(SimulatedUpstreamProxy proxy)
    {
        await using ProxyRotatorDbContext db = await Get<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync();
        return await db.Upstreams.AsNoTracking().SingleAsync(u => u.Host == proxy.ListenEndPoint.Address.ToString() && u.Port == proxy.ListenEndPoint.Port);
    }

    public async Task<List<UpstreamStatusTransitionEntity>> TransitionsAsync(long upstreamId)
    {
        await using ProxyRotatorDbContext db = await Get<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync();
        return await db.UpstreamStatusTransitions.AsNoTracking().Where(t => t.UpstreamId == upstreamId).OrderBy(t => t.Id).ToListAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        foreach (SimulatedUpstreamProxy upstream in _upstreams)
        {
            await upstream.DisposeAsync();
        }

        await Origin.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
