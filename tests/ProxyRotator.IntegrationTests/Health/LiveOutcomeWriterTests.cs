using Microsoft.EntityFrameworkCore;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health;
using ProxyRotator.Health.LiveOutcomes;
using ProxyRotator.Simulation.Upstreams;
using ProxyRotator.Store;
using ProxyRotator.Store.Entities;
using static ProxyRotator.IntegrationTests.Health.HealthTestWorld;

namespace ProxyRotator.IntegrationTests.Health;

public sealed class LiveOutcomeWriterTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task<(HealthTestWorld World, SimulatedUpstreamProxy Proxy, long Id)> ActiveUpstreamAsync(string address)
    {
        HealthTestWorld world = await CreateAsync(o => o.QuarantineAfterLiveFailures = 5);
        SimulatedUpstreamProxy proxy = world.StartUpstream(address);
        await world.BuildAsync(pools: Pool("res", UpstreamType.Residential, Entry(proxy)));
        await world.Get<HealthCheckRunner>().RunDueAsync(None);
        UpstreamEntity upstream = await world.UpstreamAsync(proxy);
        Assert.Equal(UpstreamStatus.Active, upstream.Status);
        return (world, proxy, upstream.Id);
    }

    [Fact]
    public async Task FlushAsync_TargetErrorsAnd404s_CountedAsUseWithoutLoweringScore()
    {
        (HealthTestWorld world, SimulatedUpstreamProxy proxy, long id) = await ActiveUpstreamAsync("127.0.4.61");
        await using HealthTestWorld _ = world;
        UpstreamEntity probed = await world.UpstreamAsync(proxy);
        double scoreBefore = probed.Score;
        // As fast as the probe was, so only the outcome kinds can move the score.
        TimeSpan latency = TimeSpan.FromMilliseconds(probed.LatencyMs!.Value);
        IUpstreamOutcomeSink sink = world.Get<IUpstreamOutcomeSink>();
        Assert.IsType<LiveOutcomeRecorder>(sink);

        for (int i = 0; i < 10; i++)
        {
            // A target's 404 is a forwarded answer (Success); client hang-ups and target failures are neutral.
            sink.Report(new UpstreamOutcome(id, UpstreamOutcomeKind.Success, latency, 100, 500));
            sink.Report(new UpstreamOutcome(id, UpstreamOutcomeKind.ClientAborted, latency, 100, 0));
            sink.Report(new UpstreamOutcome(id, UpstreamOutcomeKind.TargetError, latency, 100, 0));
        }

        await world.Get<LiveOutcomeWriter>().FlushAsync(None);

        UpstreamEntity upstream = await world.UpstreamAsync(proxy);
        Assert.Equal(UpstreamStatus.Active, upstream.Status);
        Assert.True(upstream.Score >= scoreBefore - 1e-9, $"{upstream.Score} < {scoreBefore}");
        Assert.Equal(1.0, upstream.SuccessRate!.Value, 9);
        Assert.Equal((30, 0), (upstream.TotalRequests, upstream.TotalFailures));
        Assert.Equal(world.Time.GetUtcNow(), upstream.LastUsedAt);
    }

    [Fact]
    public async Task FlushAsync_BurstOfLiveUpstreamFaults_QuarantinesBeforeNextProbeAndRefreshesSnapshot()
    {
        (HealthTestWorld world, SimulatedUpstreamProxy proxy, long id) = await ActiveUpstreamAsync("127.0.4.62");
        await using HealthTestWorld _ = world;
        double scoreBefore = (await world.UpstreamAsync(proxy)).Score;
        IUpstreamOutcomeSink sink = world.Get<IUpstreamOutcomeSink>();
        var writer = world.Get<LiveOutcomeWriter>();

        for (int i = 0; i < 4; i++)
        {
            sink.Report(new UpstreamOutcome(id, UpstreamOutcomeKind.UpstreamConnectFailed, TimeSpan.FromMilliseconds(5), 0, 0));
        }

        await writer.FlushAsync(None);
        UpstreamEntity upstream = await world.UpstreamAsync(proxy);
        Assert.Equal(UpstreamStatus.Active, upstream.Status);
        Assert.True(upstream.Score < scoreBefore);

        sink.Report(new UpstreamOutcome(id, UpstreamOutcomeKind.UpstreamTimeout, TimeSpan.FromSeconds(5), 0, 0));
        await writer.FlushAsync(None);

        upstream = await world.UpstreamAsync(proxy);
        Assert.Equal(UpstreamStatus.Quarantined, upstream.Status);
        Assert.Contains("live traffic", upstream.StatusReason, StringComparison.Ordinal);
        Assert.Equal((5, 5), (upstream.TotalRequests, upstream.TotalFailures));
        Assert.NotNull(upstream.NextCheckAt);
        Assert.True(upstream.NextCheckAt > world.Time.GetUtcNow(), "re-checked with back-off, not at once");
        Assert.True(world.Get<IPoolSnapshotSource>().Current.TryGet(id, out UpstreamProxy? inSnapshot));
        Assert.Equal(UpstreamStatus.Quarantined, inSnapshot!.Status);
        Assert.False(inSnapshot.IsEligible);

        await using ProxyRotatorDbContext db = await world.Get<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync();
        UpstreamStatusTransitionEntity last = await db.UpstreamStatusTransitions.Where(t => t.UpstreamId == id).OrderBy(t => t.Id).LastAsync();
        Assert.Equal((UpstreamStatus.Active, UpstreamStatus.Quarantined), (last.From, last.To));
    }
    [Fact]
    public async Task ExecuteAsync_ReportsKeepComing_WritesFirstAtOnceThenRestsWriteInterval()
    {
        (HealthTestWorld world, SimulatedUpstreamProxy proxy, long id) = await ActiveUpstreamAsync("127.0.4.63");
        await using HealthTestWorld _ = world;
        IUpstreamOutcomeSink sink = world.Get<IUpstreamOutcomeSink>();
        var writer = world.Get<LiveOutcomeWriter>();
        await writer.StartAsync(None);
        try
        {
            sink.Report(new UpstreamOutcome(id, UpstreamOutcomeKind.Success, TimeSpan.FromMilliseconds(5), 0, 0));
            Assert.True(await TotalRequestsReachAsync(world, proxy, 1, advance: null), "the first report after a quiet spell is written at once");

            // Under load the writer rests instead of rewriting the same rows back to back: nothing is written until
            // WriteInterval has passed on the writer's clock (which only moves when the test advances it).
            sink.Report(new UpstreamOutcome(id, UpstreamOutcomeKind.Success, TimeSpan.FromMilliseconds(5), 0, 0));
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            Assert.Equal(1, (await world.UpstreamAsync(proxy)).TotalRequests);

            Assert.True(await TotalRequestsReachAsync(world, proxy, 2, advance: LiveOutcomeWriter.WriteInterval), "written once the interval passed");
        }
        finally
        {
            await writer.StopAsync(None);
        }
    }

    private static async Task<bool> TotalRequestsReachAsync(HealthTestWorld world, SimulatedUpstreamProxy proxy, long expected, TimeSpan? advance)
    {
        for (int i = 0; i < 500; i++)
        {
            if (advance is { } step)
            {
                world.Time.Advance(step);
            }

            if ((await world.UpstreamAsync(proxy)).TotalRequests >= expected)
            {
                return true;
            }

            await Task.Delay(20);
        }

        return false;
    }
}
