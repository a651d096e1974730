using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Cluster;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health.Probing;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Cluster;

/// <summary>
/// The real health job on two instances (clustered Quartz on PostgreSQL): each upstream is probed once per interval
/// across the cluster, never by both; when A goes away while clients keep using B, B serves every request and
/// honours the session A bound.
/// </summary>
public sealed class ClusterJobsAndFailoverTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

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
        Quartz.IScheduler a = await cluster.A.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler();
        Quartz.IScheduler b = await cluster.B.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler();
        Console.WriteLine($"A {a.SchedulerInstanceId} B {b.SchedulerInstanceId} same {ReferenceEquals(a, b)}");
        await Eventually.WaitAsync(() => probes.Count >= 4, Deadline, "a first health pass");

        await cluster.StopAAsync();
        DateTimeOffset stopped = DateTimeOffset.UtcNow;
        string b2 = cluster.B.Services.GetRequiredService<ClusterInstance>().Id;
        await Eventually.WaitAsync(() => probes.Snapshot().Any(p => p.At > stopped + Interval && p.Instance == b2), Deadline,
            () => $"a health pass on B after A stopped ({string.Join(", ", probes.Snapshot().Select(p => $"{p.Instance}@{p.At:HH:mm:ss.fff}"))}; stopped {stopped:HH:mm:ss.fff})");
    }

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
