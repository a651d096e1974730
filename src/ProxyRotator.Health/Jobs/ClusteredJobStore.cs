using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Store;
using Quartz;

namespace ProxyRotator.Health.Jobs;

/// <summary>
/// Where Quartz keeps its schedule. On SQLite (one instance) the in-memory store, as before. On PostgreSQL the ADO
/// job store in the same database, clustered: every instance runs a scheduler with the same
/// <see cref="SchedulerName"/> and its own instance id, they share the <c>qrtz_*</c> tables (created by the
/// PostgreSQL migrations), and each trigger fires on one instance only. With the jobs'
/// <c>[DisallowConcurrentExecution]</c> a health pass, a provider refresh or a session sweep runs once per interval
/// across the cluster; when an instance stops, its triggers are released, and when one dies, a survivor recovers
/// them: the dead instance counts as failed once its last check-in is older than <see cref="CheckinInterval"/> plus
/// the check-in misfire threshold (twice the interval), a survivor notices at its next check-in and fires the
/// recovered trigger after the next misfire scan (<see cref="MisfireScanInterval"/>), within one job interval.
/// </summary>
public static class ClusteredJobStore
{
    /// <summary>The scheduler (and cluster) name every instance shares.</summary>
    public const string SchedulerName = "proxyrotator";

    /// <summary>How often an instance tells the cluster it is alive (Quartz's default is 7.5 s).</summary>
    public static readonly TimeSpan CheckinInterval = TimeSpan.FromSeconds(5);

    /// <summary>How late a trigger may fire before it counts as misfired (Quartz's default is 60 s).</summary>
    public static readonly TimeSpan MisfireThreshold = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the store looks for misfired triggers (Quartz's default is <see cref="MisfireThreshold"/>). A trigger
    /// a survivor recovers from a dead instance is usually misfired by then, and no instance acquires a misfired trigger
    /// until this scan has moved it to its next fire time: with the default the takeover took up to 10 s longer.
    /// </summary>
    public static readonly TimeSpan MisfireScanInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Configures the job store for <paramref name="database"/>: nothing for SQLite (Quartz's RAM store), the
    /// clustered ADO store for PostgreSQL. <paramref name="checkinInterval"/> overrides <see cref="CheckinInterval"/>
    /// (tests use a short one to see a survivor take over quickly).
    /// </summary>
    public static IQuartzBuilder UseProxyRotatorJobStore(
        this IQuartzBuilder quartz, StoreDatabase database, TimeSpan? checkinInterval = null)
    {
        ArgumentNullException.ThrowIfNull(quartz);
        ArgumentNullException.ThrowIfNull(database);
        if (database.Provider != StoreProvider.PostgreSql)
        {
            return quartz;
        }

        TimeSpan checkin = checkinInterval ?? CheckinInterval;
        quartz.ConfigureScheduler(scheduler => scheduler.InstanceName = SchedulerName); // UseClustering derives a unique instance id
        quartz.UsePersistentStore(store =>
        {
            store.UsePostgres(database.ConnectionString);
            store.UseSystemTextJsonSerializer();
            store.ConfigureStore(options => // the tables must exist: `migrate` creates them
            {
                options.MisfireThreshold = MisfireThreshold;
                options.MisfireHandlerFrequency = MisfireScanInterval;
            });
            store.UseClustering(cluster =>
            {
                cluster.CheckinInterval = checkin;
                cluster.CheckinMisfireThreshold = checkin * 2;
            });
        });

        // Every instance schedules the same jobs at start-up and replaces the stored triggers; a replaced trigger keeps
        // its firing history, so a restarting instance does not make the whole cluster run its jobs again at once.
        quartz.Services.Configure<QuartzOptions>(options => options.Scheduling.ScheduleTriggerRelativeToReplacedTrigger = true);
        return quartz;
    }
}
