using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProxyRotator.Admin;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Sessions;
using ProxyRotator.Providers;
using ProxyRotator.Providers.Resilience;
using ProxyRotator.Store;
using ProxyRotator.Store.Entities;
using ProxyRotator.Store.Sync;

namespace ProxyRotator.IntegrationTests.Admin;

/// <summary>
/// The admin API as <c>serve</c> runs it: real Kestrel with the admin listener on 127.0.0.1 (free port) and a second,
/// non-admin listener on 127.0.0.2 standing in for the gateway port; a real SQLite file with the real migrations;
/// pools synced from a configuration whose upstreams all carry <see cref="SeedPassword"/>.
/// </summary>
internal sealed class AdminTestServer : IAsyncDisposable
{
    public const string ApiKey = "admin-key-for-tests-4711";
    public const string SeedPassword = "Seed-Pa55word-Xyzzy";

    private readonly WebApplication _app;

    private AdminTestServer(WebApplication app, string folder, ProxyRotatorConfig config)
    {
        _app = app;
        Folder = folder;
        Config = config;
        string[] addresses = [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses];
        AdminUrl = new Uri(addresses.Single(a => a.Contains("127.0.0.1", StringComparison.Ordinal)) + "/");
        OtherListenerUrl = new Uri(addresses.Single(a => a.Contains("127.0.0.2", StringComparison.Ordinal)) + "/");
    }

    public Uri AdminUrl { get; }

    /// <summary>A listener that is not the admin one (as the gateway port is): admin routes must not answer there.</summary>
    public Uri OtherListenerUrl { get; }

    public string Folder { get; }
    public ProxyRotatorConfig Config { get; }
    public IServiceProvider Services => _app.Services;
    public GatewayMetrics Metrics => Services.GetRequiredService<GatewayMetrics>();

    /// <summary>Pools <c>res-eu</c> (residential, a failing provider <c>acme</c>) and <c>dc</c> (datacenter); see <see cref="SeedAsync"/>.</summary>
    public static async Task<AdminTestServer> StartAsync(Action<IServiceCollection>? configureServices = null, ProxyRotatorConfig? config = null)
    {
        string folder = Path.Combine(Path.GetTempPath(), "proxyrotator-admin-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        config ??= DefaultConfig();
        config.Database = $"Data Source={Path.Combine(folder, "admin.db")};Pooling=False";
        config.Admin = new AdminOptions { Listen = "127.0.0.1:0", ApiKey = ApiKey, ProtectMetricsAndDashboard = config.Admin.ProtectMetricsAndDashboard };

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenAdmin(config.Admin);
            kestrel.Listen(IPAddress.Parse("127.0.0.2"), 0);
        });
        builder.Services.AddProxyRotatorStore(config);
        builder.Services.AddProxyRotatorProviders(config);
        builder.Services.Configure<ProviderResilienceOptions>(o =>
        {
            o.MaxRetries = 0;
            o.AttemptTimeout = TimeSpan.FromSeconds(5);
        });
        builder.Services.AddProxyRotatorAdmin(config);
        configureServices?.Invoke(builder.Services);

        WebApplication app = builder.Build();
        await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        await app.Services.GetRequiredService<PoolSynchronizer>().SyncConfigAsync(config, CancellationToken.None);
        app.MapProxyRotatorAdmin();
        await app.StartAsync();
        var server = new AdminTestServer(app, folder, config);
        await server.SeedAsync();
        return server;
    }

    public static ProxyRotatorConfig DefaultConfig() => new()
    {
        Pools =
        [
            new PoolOptions
            {
                Name = "res-eu",
                Type = UpstreamType.Residential,
                Proxies =
                [
                    Entry($"http://alice:{SeedPassword}@127.0.3.1:8001", country: "DE", city: "berlin"),
                    Entry($"http://alice:{SeedPassword}@127.0.3.2:8002", country: "DE"),
                    Entry($"socks5://bob:{SeedPassword}@127.0.3.3:1080", UpstreamType.Mobile, "FR"),
                    Entry($"http://carol:{SeedPassword}@127.0.3.4:8004", country: "NL"),
                ],
                // Nothing listens on port 1: every import reports this provider as failing.
                Providers = [new ProviderOptions { Name = "acme", Url = "http://127.0.0.1:1/v1/proxies?token=provider-token", ApiKey = "provider-key" }],
            },
            new PoolOptions
            {
                Name = "dc",
                Type = UpstreamType.Datacenter,
                Proxies = [Entry($"http://dave:{SeedPassword}@127.0.4.1:3128", country: "US"), Entry("http://127.0.4.2:3128", country: "US")],
            },
        ],
    };

    public static ProxyEntryOptions Entry(string url, UpstreamType? type = null, string? country = null, string? city = null) => new()
    {
        Endpoint = UpstreamEndpoint.TryParse(url, out UpstreamEndpoint? endpoint, out string? error) ? endpoint! : throw new ArgumentException(error),
        Type = type,
        Country = country,
        City = city,
    };

    public HttpClient CreateClient(string? apiKey = ApiKey, Uri? baseAddress = null)
    {
        var client = new HttpClient { BaseAddress = baseAddress ?? AdminUrl, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    public async Task<long> UpstreamIdAsync(string host)
    {
        await using ProxyRotatorDbContext db = await Services.GetRequiredService<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync();
        return await db.Upstreams.Where(u => u.Host == host).Select(u => u.Id).SingleAsync();
    }

    /// <summary>The stored template of one upstream (null for a built-in dialect or a static upstream).</summary>
    public async Task<string?> DialectTemplateAsync(long id)
    {
        await using ProxyRotatorDbContext db = await Services.GetRequiredService<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync();
        return await db.Upstreams.Where(u => u.Id == id).Select(u => u.DialectTemplate).SingleAsync();
    }

    /// <summary>
    /// res-eu: 127.0.3.1 active (verified DE), 127.0.3.2 active, 127.0.3.3 quarantined (its last error quotes the
    /// password, which must never reach a response), 127.0.3.4 pending. dc: 127.0.4.1 active, 127.0.4.2 retired.
    /// One live sticky session and one expired one.
    /// </summary>
    private async Task SeedAsync()
    {
        DateTimeOffset now = TimeProvider.System.GetUtcNow();
        await using (ProxyRotatorDbContext db = await Services.GetRequiredService<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync())
        {
            List<UpstreamEntity> upstreams = await db.Upstreams.ToListAsync();
            UpstreamEntity Host(string host) => upstreams.Single(u => u.Host == host);

            UpstreamEntity first = Host("127.0.3.1");
            first.ChangeStatus(UpstreamStatus.Active, "probe ok", now);
            (first.VerifiedCountry, first.ExitIp, first.Score, first.LatencyMs, first.SuccessRate, first.LastCheckedAt) = ("DE", "127.0.3.1", 0.91, 120.4, 0.98, now);
            Host("127.0.3.2").ChangeStatus(UpstreamStatus.Active, "probe ok", now);
            UpstreamEntity third = Host("127.0.3.3");
            third.ChangeStatus(UpstreamStatus.Quarantined, "3 failed probes", now);
            third.LastError = $"connect to socks5://bob:{SeedPassword}@127.0.3.3:1080 refused";
            third.Score = 0.12;
            Host("127.0.4.1").ChangeStatus(UpstreamStatus.Active, "probe ok", now);
            Host("127.0.4.2").ChangeStatus(UpstreamStatus.Retired, "removed", now);
            await db.SaveChangesAsync();
        }

        await Services.GetRequiredService<IPoolSnapshotSource>().RefreshAsync(CancellationToken.None);
        ISessionStore sessions = Services.GetRequiredService<ISessionStore>();
        long sticky = await UpstreamIdAsync("127.0.3.1");
        await sessions.SaveAsync(new StickySession
        {
            Account = "scraper", SessionId = "acct42", UpstreamId = sticky, CreatedAt = now, ExpiresAt = now.AddMinutes(30), LastUsedAt = now, ExitIp = "127.0.3.1",
        }, CancellationToken.None);
        await sessions.SaveAsync(new StickySession
        {
            Account = "scraper", SessionId = "old", UpstreamId = sticky, CreatedAt = now.AddHours(-2), ExpiresAt = now.AddHours(-1), LastUsedAt = now.AddHours(-1),
        }, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
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
