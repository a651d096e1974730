using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Cluster;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health.LiveOutcomes;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Store.Cluster;

namespace ProxyRotator.IntegrationTests.Cluster;

/// <summary>
/// Runtime changes made on one instance reach the other through the change feed (LISTEN/NOTIFY over a change log),
/// not only through the 5-second snapshot check: a quarantine on A stops B's picks, and an operator's retire on A does
/// too. Each test waits for B's feed to deliver the change (a recorder handler after the product's own) and then
/// requires its effect at once, so the proof is the delivery, not a race against a clock.
/// </summary>
public sealed class StatePropagationTests
{
    /// <summary>Bounds a wait that fails the test; a passing run never waits for it.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [PostgresFact]
    public async Task QuarantineOnA_StopsPicksOnB_WithinSeconds()
    {
        await using TwoInstances cluster = await TwoInstances.StartAsync(subnet: 63, upstreams: 6, configure: OneHealthPassOnly, services: ClusterChangeRecorder.AddTo);
        await cluster.B.Services.GetRequiredService<PostgresClusterChangeFeed>().Listening.WaitAsync(Deadline);
        await WaitForFirstHealthPassAsync(cluster);
        UpstreamProxy victim = cluster.B.Services.GetRequiredService<IPoolSnapshotSource>().Current.All[0];

        // A's live traffic sees a burst of upstream faults through the victim: A quarantines it.
        LiveOutcomeRecorder recorder = cluster.A.Services.GetRequiredService<LiveOutcomeRecorder>();
        for (int i = 0; i < cluster.Config.HealthCheck.QuarantineAfterLiveFailures; i++)
        {
            recorder.Report(new UpstreamOutcome(victim.Id, UpstreamOutcomeKind.UpstreamConnectFailed, TimeSpan.FromMilliseconds(5), 0, 0));
        }

        await ClusterChangeRecorder.Of(cluster.B.Services)
            .DeliveredAsync(c => c.Kind == ClusterChangeKind.UpstreamStatus && c.UpstreamId == victim.Id && c.Status == UpstreamStatus.Quarantined)
            .WaitAsync(Deadline);

        Assert.False(IsPickable(cluster.B, victim.Id), "B still picks the upstream after its feed delivered the quarantine");
        Assert.True(cluster.B.Services.GetRequiredService<ClusterMetrics>().ChangesReceived > 0);
        for (int i = 0; i < 24; i++)
        {
            (HttpStatusCode status, long? upstream) = await cluster.SendAsync(cluster.B, TestConfigs.User);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.NotEqual(victim.Id, upstream);
        }
    }

    [PostgresFact]
    public async Task RetireThroughAdminOnA_StopsPicksOnB()
    {
        await using TwoInstances cluster = await TwoInstances.StartAsync(subnet: 64, upstreams: 4, configure: OneHealthPassOnly, services: ClusterChangeRecorder.AddTo);
        await cluster.B.Services.GetRequiredService<PostgresClusterChangeFeed>().Listening.WaitAsync(Deadline);
        await WaitForFirstHealthPassAsync(cluster);
        long victim = cluster.B.Services.GetRequiredService<IPoolSnapshotSource>().Current.All[1].Id;
        using var admin = new HttpClient { BaseAddress = cluster.A.AdminUri };
        admin.DefaultRequestHeaders.Add("X-Api-Key", cluster.Config.Admin.ApiKey);

        using HttpResponseMessage retired = await admin.DeleteAsync($"/api/proxies/{victim}");
        Assert.True(retired.IsSuccessStatusCode, retired.StatusCode.ToString());

        await ClusterChangeRecorder.Of(cluster.B.Services)
            .DeliveredAsync(c => c.Kind == ClusterChangeKind.UpstreamStatus && c.UpstreamId == victim && c.Status == UpstreamStatus.Retired)
            .WaitAsync(Deadline);

        Assert.False(IsPickable(cluster.B, victim), "B still picks the upstream after its feed delivered the retire");
        Assert.True(cluster.B.Services.GetRequiredService<ClusterMetrics>().ChangesReceived > 0);
        for (int i = 0; i < 16; i++)
        {
            (_, long? upstream) = await cluster.SendAsync(cluster.B, TestConfigs.User);
            Assert.NotEqual(victim, upstream);
        }
    }

    [PostgresFact]
    public async Task AccountAddedOnA_AuthenticatesOnB()
    {
        await using TwoInstances cluster = await TwoInstances.StartAsync(subnet: 68, upstreams: 2, configure: OneHealthPassOnly, services: ClusterChangeRecorder.AddTo);
        await cluster.B.Services.GetRequiredService<PostgresClusterChangeFeed>().Listening.WaitAsync(Deadline);

        (ProxyRotator.Store.Accounts.AccountStoreResult result, _) = await cluster.A.Services.GetRequiredService<ProxyRotator.Store.Accounts.AccountStore>()
            .AddAsync("clusteracct", TestConfigs.Password, new ProxyRotator.Store.Accounts.AccountChange(Pools: ["*"]), CancellationToken.None);
        Assert.True(result.Succeeded, result.ToString());

        await ClusterChangeRecorder.Of(cluster.B.Services).DeliveredAsync(c => c.Kind == ClusterChangeKind.Accounts).WaitAsync(Deadline);
        Assert.NotNull(cluster.B.Services.GetRequiredService<ProxyRotator.Core.Accounts.AccountDirectory>().Current.Find("clusteracct"));
        Assert.True(cluster.B.Services.GetRequiredService<ClusterMetrics>().ChangesReceived > 0);
        (HttpStatusCode status, _) = await cluster.SendAsync(cluster.B, "clusteracct");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    /// <summary>The start-up health pass runs; the next one is an hour away, so no probe revives what a test took out.</summary>
    private static void OneHealthPassOnly(ProxyRotator.Core.Configuration.ProxyRotatorConfig config) =>
        config.HealthCheck.Interval = TimeSpan.FromHours(1);

    private static Task<TimeSpan> WaitForFirstHealthPassAsync(TwoInstances cluster) =>
        Eventually.WaitAsync(
            () => cluster.B.Services.GetRequiredService<IPoolSnapshotSource>().Current.All is { Count: > 0 } all
                && all.All(u => u.Status == UpstreamStatus.Active),
            Deadline, "the first health pass activates every upstream (seen on B)");

    private static bool IsPickable(ProductHost instance, long upstreamId) =>
        instance.Services.GetRequiredService<IPoolSnapshotSource>().Current.TryGet(upstreamId, out UpstreamProxy? upstream)
        && upstream!.IsEligible;
}
