using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Cluster;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.GeoIp;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health.Cluster;
using ProxyRotator.Health.GeoVerification;
using ProxyRotator.Health.Jobs;
using ProxyRotator.Health.Lifecycle;
using ProxyRotator.Health.LiveOutcomes;
using ProxyRotator.Health.Probing;
using ProxyRotator.Health.Scoring;
using ProxyRotator.Health.Sessions;
using ProxyRotator.Store;
using ProxyRotator.Store.Health;
using Quartz;

namespace ProxyRotator.Health;

public static class HealthServiceCollectionExtensions
{
    /// <summary>Latency at which the latency part of the score is halved.</summary>
    public static readonly TimeSpan ReferenceLatency = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Registers pool health: <see cref="HealthCheckRunner"/> (for the job, <c>POST /api/checks</c> and
    /// <c>proxyrotator check</c>), <see cref="SessionSweeper"/>, the live <see cref="IUpstreamOutcomeSink"/>
    /// (<see cref="LiveOutcomeRecorder"/>, replacing any default registered before) with its background writer, and
    /// Quartz with <see cref="HealthCheckJob"/> every <c>healthCheck.interval</c> and <see cref="SessionSweepJob"/>
    /// every minute, in the store <see cref="ClusteredJobStore"/> picks (clustered on PostgreSQL). Needs the store
    /// (<c>AddProxyRotatorStore</c>). Call it after the gateway's registrations.
    /// </summary>
    public static IServiceCollection AddProxyRotatorHealth(this IServiceCollection services, ProxyRotatorConfig config)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(config);
        HealthCheckOptions options = config.HealthCheck;

        services.AddProxyRotatorHealthServices(options, config.GeoIp);

        services.AddQuartz(quartz =>
        {
            quartz.UseProxyRotatorJobStore(StoreDatabase.Parse(config.Database));
            quartz.ScheduleJob<HealthCheckJob>(
                trigger => trigger.WithIdentity(HealthCheckJob.TriggerKey)
                    .StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(options.Interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)),
                job => job.WithIdentity(HealthCheckJob.Key).WithDescription("Probes the upstreams that are due"));
            quartz.ScheduleJob<SessionSweepJob>(
                trigger => trigger.WithIdentity(SessionSweepJob.TriggerKey)
                    .StartNow() // at start-up too: sessions that expired while the server was down go at once
                    .WithSimpleSchedule(s => s.WithInterval(HealthJobs.SessionSweepInterval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)),
                job => job.WithIdentity(SessionSweepJob.Key).WithDescription("Removes expired sticky sessions and strict ones on retired upstreams"));
        });
        services.AddQuartzHostedService(q => q.WaitForJobsToComplete = true);

        if (StoreDatabase.Parse(config.Database).Provider == StoreProvider.PostgreSql)
        {
            // Several instances: scores combine every instance's observations.
            services.TryAddSingleton<ClusterScoreExchange>();
            services.AddHostedService(sp => sp.GetRequiredService<ClusterScoreExchange>());

            // A trigger an instance left in ERROR while stopping would stop that job cluster-wide.
            services.AddHostedService<ErroredTriggerRepair>();

            // Status changes other instances publish reach this instance's lifecycle.
            services.AddSingleton<IClusterChangeHandler, LifecycleClusterChangeHandler>();
        }

        return services;
    }

    /// <summary>
    /// The upstream lifecycle (the one place that decides and applies status transitions) over the process's runtime
    /// states: needed by health, live outcomes and the admin API's operator actions, so each registers it.
    /// </summary>
    public static IServiceCollection AddProxyRotatorLifecycle(this IServiceCollection services, HealthCheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton(_ => new QuarantineBackoff(options));
        services.TryAddSingleton<UpstreamRuntimeStates>();
        services.TryAddSingleton(sp => new UpstreamLifecycle(options, sp.GetRequiredService<QuarantineBackoff>(), sp.GetRequiredService<UpstreamRuntimeStates>()));
        return services;
    }

    /// <summary>The health services without Quartz: for tests and for hosts that drive the runner themselves.</summary>
    public static IServiceCollection AddProxyRotatorHealthServices(this IServiceCollection services, HealthCheckOptions options, GeoIpOptions? geoIp = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IUpstreamProbe>(sp => new UpstreamProbe(options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<UpstreamProbe>>()));
        services.TryAddSingleton(sp => new BoundedProber(sp.GetRequiredService<IUpstreamProbe>(), options.Concurrency));
        services.AddProxyRotatorLifecycle(options);
        services.TryAddSingleton(_ => new UpstreamScorer(options.ScoreHalfLife, ReferenceLatency));
        services.TryAddSingleton<UpstreamHealthBook>();
        // Opens the configured databases once (read into memory); none configured means nothing is verified.
        services.TryAddSingleton<IGeoIpLookup>(_ => GeoIpLookup.Open(geoIp ?? new GeoIpOptions()));
        services.TryAddSingleton(sp => new ExitGeoVerifier(sp.GetRequiredService<IGeoIpLookup>()));
        services.TryAddSingleton(sp => new HealthCheckRunner(
            sp.GetRequiredService<IDbContextFactory<ProxyRotatorDbContext>>(),
            sp.GetRequiredService<BoundedProber>(),
            sp.GetRequiredService<UpstreamLifecycle>(),
            sp.GetRequiredService<UpstreamScorer>(),
            sp.GetRequiredService<UpstreamHealthBook>(),
            sp.GetRequiredService<ExitGeoVerifier>(),
            sp.GetRequiredService<HealthCheckHistory>(),
            sp.GetRequiredService<IPoolSnapshotSource>(),
            sp.GetRequiredService<UpstreamRuntimeStates>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<HealthCheckRunner>>()));
        services.TryAddSingleton<SessionSweeper>();

        services.TryAddSingleton(sp => new LiveOutcomeRecorder(
            sp.GetRequiredService<UpstreamHealthBook>(), sp.GetRequiredService<UpstreamScorer>(), options, sp.GetRequiredService<TimeProvider>()));
        // Wins over the gateway's no-op default whichever registered first.
        services.RemoveAll<IUpstreamOutcomeSink>();
        services.AddSingleton<IUpstreamOutcomeSink>(sp => sp.GetRequiredService<LiveOutcomeRecorder>());
        services.TryAddSingleton<LiveOutcomeWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveOutcomeWriter>());
        return services;
    }
}
