using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Cluster;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health.Jobs;
using ProxyRotator.Health.Probing;
using ProxyRotator.IntegrationTests.Support;
using Npgsql;

namespace ProxyRotator.IntegrationTests.Cluster;

/// <summary>
/// The real health job on two instances (clustered Quartz on PostgreSQL): each upstream is probed once per interval
/// across the cluster, never by both; when A goes away while clients keep using B, B serves every request and
/// honours the session A bound.
/// </summary>
[Collection(SerialClusterCollection.Name)]
public sealed class ClusterJobsAndFailoverTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long after an instance goes away its triggers fire on a survivor: the dead instance counts as failed once
    /// its last check-in is older than the check-in interval plus the check-in misfire threshold (twice the interval),
    /// the survivor notices at its next check-in, the next misfire scan moves the recovered (by then misfired) trigger
    /// to its next fire time, and it fires within one job interval.
    /// </summary>
    private static readonly TimeSpan TakeoverBound = (4 * ClusteredJobStore.CheckinInterval) + ClusteredJobStore.MisfireScanInterval + Interval;

    // Slack for this shared, loaded machine.
    private static readonly TimeSpan TakeoverDeadline = TakeoverBound + TimeSpan.FromSeconds(6);

    [PostgresFact]
    public async Task HealthPass_TwoInstances_EachUpstreamProbedOncePerInterval()
    {
        var probes = new ProbeLog();
        await using TwoInstances cluster = await StartAsync(subnet: 66, probes);

        await Eventually.WaitAsync(() => probes.Count >= 4 * 4, Deadline, "four health passes");

        foreach (IGrouping<string, ProbeRecord> upstream in probes.Snapshot().GroupBy(p => p.Endpoint))
        {
            DateTimeOffset[] times = [.. upstream.Select(p => p.At).Order()];
            for (int i = 1; i < times.Length; i++)
            {
                // Twice in one interval would mean both instances ran the pass.
                Assert.True(times[i] - times[i - 1] > Interval / 2, $"{upstream.Key} probed {times[i] - times[i - 1]} apart");
            }
        }
    }

    [PostgresFact]
    public async Task InstanceAStops_TrafficOnB_AllServedAndSessionKept()
    {
        var probes = new ProbeLog();
        await using TwoInstances cluster = await StartAsync(subnet: 67, probes);
        string sticky = TestConfigs.User + "-session-survivor1";
        (HttpStatusCode status, long? boundOnA) = await cluster.SendAsync(cluster.A, sticky);
        Assert.Equal(HttpStatusCode.OK, status);

        using var stopTraffic = new CancellationTokenSource();
        var answers = new ConcurrentQueue<HttpStatusCode>();
        Task traffic = Task.Run(async () =>
        {
            while (!stopTraffic.IsCancellationRequested)
            {
                answers.Enqueue((await cluster.SendAsync(cluster.B, TestConfigs.User)).Status);
            }
        });

        await cluster.StopAAsync();
        int atStop = answers.Count;
        // Traffic keeps flowing on B for a while after A has gone.
        await Eventually.WaitAsync(() => answers.Count >= atStop + 40, Deadline, () => $"40 requests served by B after A stopped (got {answers.Count})");
        (HttpStatusCode stickyStatus, long? onB) = await cluster.SendAsync(cluster.B, sticky);
        await stopTraffic.CancelAsync();
        await traffic;

        Assert.NotEmpty(answers);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a));
        Assert.Equal(HttpStatusCode.OK, stickyStatus);
        Assert.Equal(boundOnA, onB);
    }

    [PostgresFact]
    public async Task InstanceAStopsGracefully_B_RunsHealthPassWithinBound()
    {
        var probes = new ProbeLog();
        await using TwoInstances cluster = await StartAsync(subnet: 68, probes);
        string b = cluster.B.Services.GetRequiredService<ClusterInstance>().Id;
        await Eventually.WaitAsync(() => probes.Count >= 4, Deadline, "a first health pass");

        await cluster.StopAAsync();
        DateTimeOffset stopped = DateTimeOffset.UtcNow;

        TimeSpan took = await Eventually.WaitAsync(() => probes.Snapshot().Any(p => p.Instance == b && p.At > stopped), TakeoverDeadline,
            () => $"a health pass on B after A stopped ({Describe(probes)}; stopped {stopped:HH:mm:ss.fff})");
        Console.WriteLine($"graceful stop: B ran a health pass {took.TotalSeconds:0.0} s after A stopped (bound {TakeoverBound.TotalSeconds:0} s)");
    }

    [PostgresFact]
    public async Task ServeProcessKilled_B_KeepsRunningHealthPassesWithinBound()
    {
        var probes = new ProbeLog();
        await using TwoInstances cluster = await StartAsync(subnet: 69, probes);
        string b = cluster.B.Services.GetRequiredService<ClusterInstance>().Id;
        await cluster.StopAAsync();
        // B on standby while the serve process joins: the passes (and the trigger, acquired ahead of each firing) are
        // then the serve process's when it is killed, so B can only run them after recovering its triggers.
        Quartz.IScheduler bScheduler = await cluster.B.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler();
        // The hosted service starts B's scheduler once the host has started, which on a loaded machine may be now: a
        // standby before that start would be undone by it. Wait until B's scheduler runs, then stand it by.
        await Eventually.WaitAsync(async () => await bScheduler.GetStatus() == Quartz.SchedulerStatus.Running, Deadline, "B's scheduler running");
        await bScheduler.Standby();
        // Standby acquires nothing new, but a pass B is running finishes, and a trigger B had already acquired (ahead of
        // its fire time) still fires: either would probe after the count below. Wait until B holds no firing at all.
        string bSchedulerId = await bScheduler.GetSchedulerInstanceId();
        await Eventually.WaitAsync(async () => await FiringsAsync(cluster.ConnectionString, bSchedulerId) == 0, Deadline, "B's acquired and running firings ended");
        int bProbesBefore = probes.Snapshot().Count(p => p.Instance == b);
        using Process serve = await cluster.StartServeProcessAsync();
        try
        {
            // The serve process has joined the cluster (checked in) and the passes go on while both run.
            await Eventually.WaitAsync(async () => await SchedulerInstancesAsync(cluster.ConnectionString) >= 2, Deadline, "the serve process checked in");
            // Killed while it runs a pass (its fired-trigger row EXECUTING, the trigger BLOCKED): the worst case, as nothing
            // else may fire the job until a survivor recovers the dead instance's triggers.
            await Eventually.WaitAsync(async () => (await TriggerStateAsync(cluster.ConnectionString)).Contains("health-check-trigger:BLOCKED", StringComparison.Ordinal), Deadline,
                "the serve process running a health pass");
        }
        finally
        {
            serve.Kill(entireProcessTree: true); // SIGKILL: no shutdown, its triggers stay acquired or blocked
            await serve.WaitForExitAsync();
        }

        DateTimeOffset killed = DateTimeOffset.UtcNow;
        string atKill = await TriggerStateAsync(cluster.ConnectionString);
        // Usually still BLOCKED with the dead instance's EXECUTING row; a short pass may have just ended (then WAITING).
        Assert.Equal(bProbesBefore, probes.Snapshot().Count(p => p.Instance == b)); // B ran nothing on standby
        await bScheduler.Start();
        TimeSpan first = await Eventually.WaitAsync(() => probes.Snapshot().Any(p => p.Instance == b && p.At > killed), TakeoverDeadline,
            () => $"a health pass on B after the serve process was killed ({Describe(probes)}; killed {killed:HH:mm:ss.fff})");
        DateTimeOffset resumed = DateTimeOffset.UtcNow;
        // And it carries on at the interval (the trigger is back in normal service, not fired once by recovery).
        await Eventually.WaitAsync(() => probes.Snapshot().Any(p => p.Instance == b && p.At > resumed + Interval), TakeoverDeadline,
            () => $"the next health pass on B ({Describe(probes)}; resumed {resumed:HH:mm:ss.fff})");
        Console.WriteLine($"SIGKILL ({atKill}): B ran a health pass {first.TotalSeconds:0.0} s after the kill (bound {TakeoverBound.TotalSeconds:0} s)");
    }

    private static async Task<long> SchedulerInstancesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM qrtz_scheduler_state", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Firings a scheduler instance holds: its fired-trigger rows, ACQUIRED or EXECUTING (deleted when the job completes).</summary>
    private static async Task<long> FiringsAsync(string connectionString, string instanceId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM qrtz_fired_triggers WHERE instance_name = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = instanceId });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Each trigger's state and its fired-trigger rows (instance/state), as <c>name:STATE fired:…</c>.</summary>
    private static async Task<string> TriggerStateAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT t.trigger_name || ':' || t.trigger_state || ' fired:' || coalesce((SELECT string_agg(f.instance_name || '/' || f.state, ',') FROM qrtz_fired_triggers f WHERE f.trigger_name = t.trigger_name), '-') FROM qrtz_triggers t", connection);
        var rows = new List<string>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return string.Join("; ", rows);
    }

    private static string Describe(ProbeLog probes) =>
        string.Join(", ", probes.Snapshot().Select(p => $"{p.Instance}@{p.At:HH:mm:ss.fff}"));

    private static Task<TwoInstances> StartAsync(byte subnet, ProbeLog probes) =>
        TwoInstances.StartAsync(subnet, upstreams: 4,
            configure: config =>
            {
                config.HealthCheck.Interval = Interval;
                config.HealthCheck.Timeout = TimeSpan.FromSeconds(1);
            },
            services: services => services.Replace(ServiceDescriptor.Singleton<IUpstreamProbe>(sp => new RecordingProbe(
                new UpstreamProbe(sp.GetRequiredService<HealthCheckOptions>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<UpstreamProbe>>()),
                probes, sp.GetRequiredService<ClusterInstance>().Id))));

    private sealed record ProbeRecord(string Instance, string Endpoint, DateTimeOffset At);

    /// <summary>Every probe of both instances (one object handed to both hosts).</summary>
    private sealed class ProbeLog
    {
        private readonly ConcurrentQueue<ProbeRecord> _probes = new();

        public int Count => _probes.Count;

        public void Add(ProbeRecord record) => _probes.Enqueue(record);

        public ProbeRecord[] Snapshot() => [.. _probes];
    }

    private sealed class RecordingProbe(IUpstreamProbe inner, ProbeLog log, string instance) : IUpstreamProbe
    {
        public Task<ProbeResult> ProbeAsync(UpstreamEndpoint endpoint, CancellationToken cancellationToken)
        {
            log.Add(new ProbeRecord(instance, endpoint.ToString(), DateTimeOffset.UtcNow));
            return inner.ProbeAsync(endpoint, cancellationToken);
        }
    }
}
