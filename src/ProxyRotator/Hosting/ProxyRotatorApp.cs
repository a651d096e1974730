using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using ProxyRotator.Admin;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.GeoIp;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using ProxyRotator.Gateway;
using ProxyRotator.Gateway.Security;
using ProxyRotator.Gateway.Observability;
using ProxyRotator.Health;
using ProxyRotator.Health.LiveOutcomes;
using ProxyRotator.Providers;
using ProxyRotator.Store;
using ProxyRotator.Store.Accounts;
using ProxyRotator.Store.Sync;

namespace ProxyRotator.Hosting;

/// <summary>
/// The composition root: the whole product as one <see cref="WebApplication"/> built from a
/// <see cref="ProxyRotatorConfig"/> — configuration sections, the store, GeoIP, the admin listener, and (as their
/// issues land) the gateway listeners, health jobs, providers and admin API. <see cref="StartAsync"/> migrates the
/// database and syncs the configured pools before any listener opens, so the gateway never serves a stale pool.
/// </summary>
/// <remarks>
/// Listen addresses may use port 0 here (tests build configurations in code); <see cref="AdminUri"/> and
/// <see cref="GatewayUris"/> give the bound addresses once started.
/// </remarks>
public sealed class ProxyRotatorApp : IAsyncDisposable
{
    private readonly StrongBox<ListenOptions?> _adminListener;
    private readonly ILogger _logger;

    private ProxyRotatorApp(WebApplication web, ProxyRotatorConfig config, StrongBox<ListenOptions?> adminListener)
    {
        Web = web;
        Config = config;
        _adminListener = adminListener;
        _logger = web.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ProxyRotator");
    }

    public WebApplication Web { get; }

    public ProxyRotatorConfig Config { get; }

    public IServiceProvider Services => Web.Services;

    /// <summary>What the start-up sync changed; null before <see cref="StartAsync"/>, and on PostgreSQL when the database was already seeded.</summary>
    public PoolSyncResult? StartupSync { get; private set; }

    /// <summary>The admin listener's bound address (a connectable one for wildcard binds), after start.</summary>
    public Uri AdminUri => _adminListener.Value?.EndPoint is IPEndPoint endPoint
        ? ToConnectableUri(endPoint)
        : new Uri($"http://{Config.Admin.Listen}");

    /// <summary>Every bound address other than the admin listener's: the gateway listeners, after start.</summary>
    public IReadOnlyList<Uri> GatewayUris =>
    [
        .. (Web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            .Select(address => new Uri(address))
            .Where(uri => _adminListener.Value?.EndPoint is not IPEndPoint admin || uri.Port != admin.Port),
    ];

    public static ProxyRotatorApp Create(ProxyRotatorConfig config, ProxyRotatorAppOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        options ??= new ProxyRotatorAppOptions();

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = "proxyrotator",
            ContentRootPath = AppContext.BaseDirectory, // not the caller's directory: no stray appsettings.json
        });

        // Services. Each area adds its own registration here (AddProxyRotatorGateway, AddProxyRotatorHealth, ...).
        ConfigureLogging(builder.Logging, options.MinimumLogLevel);
        AddConfiguration(builder.Services, config);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30)); // drain in-flight work
        builder.Services.AddSingleton(_ => GeoIpLookup.Open(config.GeoIp));
        builder.Services.AddSingleton<IGeoIpLookup>(provider => provider.GetRequiredService<GeoIpLookup>());
        builder.Services.AddProxyRotatorStore(config);
        builder.Services.AddProxyRotatorGateway(config);
        builder.Services.AddProxyRotatorProviders(config);
        builder.Services.AddProxyRotatorAdmin(config);
        builder.Services.AddProxyRotatorObservability(config);
        builder.Services.AddProxyRotatorTracing(config.Tracing);

        // Listeners: the admin port and the gateway port(s).
        var adminListener = new StrongBox<ListenOptions?>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            ListenAdmin(kestrel, config.Admin, adminListener);
            kestrel.ListenGateway(config);
        });

        // The gateway's path is async all the way, so Kestrel may run it inline on its socket threads instead of
        // dispatching every read and write to the thread pool: ~20-25% less CPU per request and per tunnel (isolated
        // load benchmark). Whatever may block (SQLite's async API is synchronous underneath) moves to the pool itself.
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);

        // Last among the services: health replaces any default IUpstreamOutcomeSink registered before it ...
        builder.Services.AddProxyRotatorHealth(config);

        // ... and every outcome (live attempts and probes) is counted in the metrics on its way to health's recorder.
        builder.Services.Replace(ServiceDescriptor.Singleton<IUpstreamOutcomeSink>(provider => new MeteringOutcomeSink(
            provider.GetRequiredService<LiveOutcomeRecorder>(),
            provider.GetRequiredService<GatewayMetrics>(),
            provider.GetRequiredService<IPoolSnapshotSource>())));

        options.ConfigureBuilder?.Invoke(builder);
        WebApplication web = builder.Build();

        // Request pipeline: the gateway's middleware first (it passes non-gateway requests on), then the admin API.
        web.UseProxyRotatorGateway(); // first: gateway-listener requests never reach the admin pipeline

        // Admin requests query SQLite: off Kestrel's socket threads (see UseSockets above) before they do.
        web.Use(static async (context, next) =>
        {
            await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
            await next(context).ConfigureAwait(false);
        });
        web.MapProxyRotatorAdmin();
        return new ProxyRotatorApp(web, config, adminListener);
    }

    /// <summary>Applies pending migrations (creating the SQLite file and its folder).</summary>
    public Task MigrateAsync(CancellationToken cancellationToken) =>
        Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);

    /// <summary>Syncs the configured pools into the database (idempotent).</summary>
    public Task<PoolSyncResult> SyncConfigAsync(CancellationToken cancellationToken) =>
        Services.GetRequiredService<PoolSynchronizer>().SyncConfigAsync(Config, cancellationToken);

    /// <summary>
    /// The start-up sync. On SQLite (one instance) the file is the pool: it is applied in full. On PostgreSQL, where
    /// several instances share the database, the database is the truth: the file seeds an empty database (the first
    /// instance to start, under the cluster-wide sync lock) and is otherwise left to <c>import</c>, so an instance
    /// never retires upstreams merely because its own file does not list them. Null when nothing was applied.
    /// </summary>
    public async Task<PoolSyncResult?> SyncConfigAtStartupAsync(CancellationToken cancellationToken)
    {
        PoolSynchronizer synchronizer = Services.GetRequiredService<PoolSynchronizer>();
        return Services.GetRequiredService<StoreDatabase>().Provider == StoreProvider.PostgreSql
            ? await synchronizer.SeedConfigAsync(Config, cancellationToken).ConfigureAwait(false)
            : await synchronizer.SyncConfigAsync(Config, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Syncs the configuration's users into the store (on SQLite, where the file is the whole truth, also deleting
    /// users the file no longer lists), publishes the stored accounts to the gateway and seeds each account's day and
    /// month byte totals from the stored usage, so a restart neither loses an account change nor resets a quota.
    /// </summary>
    public async Task LoadAccountsAsync(CancellationToken cancellationToken)
    {
        bool fileIsTruth = Services.GetRequiredService<StoreDatabase>().Provider != StoreProvider.PostgreSql;
        await Services.GetRequiredService<AccountConfigSync>().SyncAsync(Config.Users, fileIsTruth, cancellationToken).ConfigureAwait(false);
        await Services.GetRequiredService<AccountTableLoader>().LoadAsync(cancellationToken).ConfigureAwait(false);
        await Services.GetRequiredService<UsageStore>().SeedTotalsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Migrates, syncs the configuration, then opens the listeners and starts the background services.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await MigrateAsync(cancellationToken).ConfigureAwait(false);
        StartupSync = await SyncConfigAtStartupAsync(cancellationToken).ConfigureAwait(false);
        await LoadAccountsAsync(cancellationToken).ConfigureAwait(false);
        await Web.StartAsync(cancellationToken).ConfigureAwait(false);
        if (_adminListener.Value?.EndPoint is IPEndPoint admin)
        {
            // The bound port (also for admin.listen port 0) is never a target, like the gateway's own listeners.
            Services.GetRequiredService<TargetPolicy>().RegisterListenEndpoint(admin);
        }

        _logger.LogInformation("Admin API listening on {AdminUri}", AdminUri);
        foreach (string exposed in BuiltInDefaultSecrets.FindExposed(Config))
        {
            _logger.LogWarning("Built-in default secret on an exposed listener: {Problem}", exposed);
        }
    }

    /// <summary>Stops accepting, lets in-flight work finish (up to the host's shutdown timeout) and stops the services.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => Web.StopAsync(cancellationToken);

    /// <summary>
    /// Starts, then runs until <paramref name="cancellationToken"/> fires or the host is told to stop (Ctrl-C and
    /// SIGTERM through the console lifetime), then drains and stops.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        await Web.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => Web.DisposeAsync();

    private static void ConfigureLogging(ILoggingBuilder logging, LogLevel minimum)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
            console.UseUtcTimestamp = true;
        });
        logging.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(minimum);

        // Framework chatter (and EF's SQL, which may carry values) only when something is wrong.
        LogLevel framework = minimum > LogLevel.Warning ? minimum : LogLevel.Warning;
        logging.AddFilter("Microsoft", framework);
        logging.AddFilter("System.Net.Http", framework);
        logging.AddFilter("Microsoft.Hosting.Lifetime", minimum);
        logging.AddFilter("Quartz", framework); // a dozen start-up lines about its own set-up

        // YARP logs "Proxying to <target>" for every request (a client's targets, in the operator's log) and every
        // upstream failure with its stack trace; the gateway counts and answers those itself. Its errors still show.
        logging.AddFilter("Yarp", minimum > LogLevel.Error ? minimum : LogLevel.Error);

        // ASP.NET Core starts an Activity for every request whenever this category logs at any level (for log
        // scopes); it only logs request start/finish, which the gateway counts itself. Off, it saves ~2-3% of the
        // gateway's CPU per absolute-form request (perf, isolated load benchmark).
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
    }

    /// <summary>The configuration and each section as singletons, so a service asks only for what it uses.</summary>
    private static void AddConfiguration(IServiceCollection services, ProxyRotatorConfig config)
    {
        services.AddSingleton(config);
        services.AddSingleton(config.Gateway);
        services.AddSingleton(config.Admin);
        services.AddSingleton(config.GeoIp);
        services.AddSingleton(config.HealthCheck);
        services.AddSingleton(config.Sessions);
    }

    private static void ListenAdmin(KestrelServerOptions kestrel, AdminOptions admin, StrongBox<ListenOptions?> captured)
    {
        if (!ListenAddress.TryParse(admin.Listen, allowAnyPort: true, out ListenAddress? address, out string? error))
        {
            throw new ConfigException([new ConfigError("configuration", "admin.listen", error!)]);
        }

        kestrel.ListenAdmin(address!, listen => captured.Value = listen);
    }

    private static Uri ToConnectableUri(IPEndPoint endPoint)
    {
        IPAddress address = endPoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : endPoint.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : endPoint.Address;
        return new Uri($"http://{new IPEndPoint(address, endPoint.Port)}/");
    }
}
