using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Accounts;
using ProxyRotator.Core.Cluster;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Sessions;
using ProxyRotator.Store.Accounts;
using ProxyRotator.Store.Cluster;
using ProxyRotator.Store.Health;
using ProxyRotator.Store.Sessions;
using ProxyRotator.Store.Snapshots;
using ProxyRotator.Store.Sync;

namespace ProxyRotator.Store;

public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the pool store: the <see cref="StoreDatabase"/> that <c>config.Database</c> names (SQLite or
    /// PostgreSQL), a pooled <see cref="IDbContextFactory{TContext}"/> over it,
    /// <see cref="DatabaseMigrator"/>, <see cref="PoolSynchronizer"/>, <see cref="HealthCheckHistory"/>, the
    /// <see cref="IPoolSnapshotSource"/> and <see cref="ISessionStore"/> implementations, and the hosted services
    /// that build the first snapshot, refresh it, load the sessions and store session changes write-behind. Apply migrations
    /// (<see cref="DatabaseMigrator.MigrateAsync"/>) before the host starts.
    /// </summary>
    public static IServiceCollection AddProxyRotatorStore(this IServiceCollection services, ProxyRotatorConfig config)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(config);

        services.TryAddSingleton(TimeProvider.System);
        StoreDatabase database = StoreDatabase.Parse(config.Database);
        services.TryAddSingleton(database);
        services.AddPooledDbContextFactory<ProxyRotatorDbContext>((provider, options) =>
        {
            options.UseProxyRotatorStore(database, provider.GetRequiredService<TimeProvider>());
            if (database.Provider == StoreProvider.PostgreSql)
            {
                options.AddInterceptors(provider.GetRequiredService<ClusterChangeInterceptor>());
            }
        });

        services.TryAddSingleton<DatabaseMigrator>();
        services.TryAddSingleton<PoolSynchronizer>();
        services.TryAddSingleton(provider => new HealthCheckHistory(provider.GetRequiredService<IDbContextFactory<ProxyRotatorDbContext>>()));

        services.TryAddSingleton<UpstreamRuntimeStates>();
        services.TryAddSingleton<StorePoolSnapshotSource>();
        services.TryAddSingleton<IPoolSnapshotSource>(provider => provider.GetRequiredService<StorePoolSnapshotSource>());
        services.TryAddSingleton<StoreSessionStore>();
        services.TryAddSingleton<ISessionStore>(provider => provider.GetRequiredService<StoreSessionStore>());
        services.TryAddSingleton<ClusterMetrics>();
        services.TryAddSingleton<ClusterInstance>();
        if (database.Provider == StoreProvider.PostgreSql)
        {
            // Runtime changes reach the other instances through the change log + LISTEN/NOTIFY.
            services.TryAddSingleton<PostgresClusterChangeFeed>();
            services.TryAddSingleton<IClusterChangeFeed>(provider => provider.GetRequiredService<PostgresClusterChangeFeed>());
            services.AddHostedService(provider => provider.GetRequiredService<PostgresClusterChangeFeed>());
            services.TryAddSingleton<ClusterChangeInterceptor>();
            services.AddSingleton<IClusterChangeHandler, SnapshotClusterChangeHandler>();
            services.AddSingleton<IClusterChangeHandler, AccountsClusterChangeHandler>();

            // Several instances share sessions; a single SQLite instance keeps the pure in-memory path.
            services.TryAddSingleton<ISharedSessionBinding>(provider => new SharedSessionBinding(
                provider.GetRequiredService<IDbContextFactory<ProxyRotatorDbContext>>(),
                provider.GetRequiredService<StoreSessionStore>(),
                config.Sessions,
                provider.GetRequiredService<ClusterMetrics>(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<SharedSessionBinding>>()));
        }
        else
        {
            services.TryAddSingleton<IClusterChangeFeed, NoClusterChangeFeed>();
        }

        services.AddHostedService(provider => new PoolSnapshotRefresher(
            provider.GetRequiredService<StorePoolSnapshotSource>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<PoolSnapshotRefresher>>(),
            PoolSnapshotRefresher.DefaultInterval));
        services.AddHostedService<SessionCacheWarmup>();
        services.AddHostedService(provider => new SessionWriteBehind(
            provider.GetRequiredService<StoreSessionStore>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<SessionWriteBehind>>(),
            SessionWriteBehind.DefaultInterval));
        AddAccounts(services);
        return services;
    }

    /// <summary>
    /// Accounts and usage: the store's accounts published to the <see cref="AccountDirectory"/> (at start-up, on
    /// every change made here, and by a change-version poll for changes made elsewhere), usage written behind.
    /// </summary>
    private static void AddAccounts(IServiceCollection services)
    {
        services.TryAddSingleton(provider => new UsageLedger(provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider => new AccountDirectory(provider.GetRequiredService<UsageLedger>()));
        services.TryAddSingleton<AccountTableLoader>();
        services.TryAddSingleton<AccountStore>();
        services.TryAddSingleton<AccountConfigSync>();
        services.TryAddSingleton<UsageStore>();
        services.AddHostedService(provider => new AccountChangePoller(
            provider.GetRequiredService<AccountTableLoader>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<AccountChangePoller>>(),
            AccountChangePoller.DefaultInterval));
        services.AddHostedService(provider => new UsageWriteBehind(
            provider.GetRequiredService<UsageStore>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<UsageWriteBehind>>(),
            UsageWriteBehind.DefaultInterval));
    }
}
