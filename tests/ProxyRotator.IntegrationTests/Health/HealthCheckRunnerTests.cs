using Microsoft.EntityFrameworkCore;
using NSubstitute;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health;
using ProxyRotator.Health.Probing;
using ProxyRotator.Simulation.Upstreams;
using ProxyRotator.Store;
using ProxyRotator.Store.Entities;
using ProxyRotator.Store.Snapshots;
using static ProxyRotator.IntegrationTests.Health.HealthTestWorld;

namespace ProxyRotator.IntegrationTests.Health;

public sealed class HealthCheckRunnerTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task<UpstreamEntity> AdvanceToNextCheckAndRunAsync(HealthTestWorld world, SimulatedUpstreamProxy proxy)
    {
        UpstreamEntity before = await world.UpstreamAsync(proxy);
        world.Time.SetUtcNow(before.NextCheckAt!.Value);
        IReadOnlyList<HealthCheckOutcome> outcomes = await world.Get<HealthCheckRunner>().RunDueAsync(None);
        Assert.Contains(outcomes, o => o.UpstreamId == before.Id);
        return await world.UpstreamAsync(proxy);
    }

    private static UpstreamStatus SnapshotStatus(HealthTestWorld world, long id) =>
        world.Get<IPoolSnapshotSource>().Current.TryGet(id, out UpstreamProxy? u) ? u!.Status : UpstreamStatus.Retired;

    [Fact]
    public async Task RunDueAsync_UpstreamStartsRefusing_QuarantinedRecheckedWithGrowingIntervalsThenRevived()
    {
        await using HealthTestWorld world = await CreateAsync();
        SimulatedUpstreamProxy proxy = world.StartUpstream("127.0.4.31");
        await world.BuildAsync(pools: Pool("res", UpstreamType.Residential, Entry(proxy)));
        var runner = world.Get<HealthCheckRunner>();

        HealthCheckOutcome first = Assert.Single(await runner.RunDueAsync(None));
        Assert.True(first.Success, first.Error);
        Assert.Equal("127.0.4.31", first.ExitIp);
        UpstreamEntity upstream = await world.UpstreamAsync(proxy);
        Assert.Equal((UpstreamStatus.Active, "127.0.4.31"), (upstream.Status, upstream.ExitIp));
        Assert.Equal(UpstreamStatus.Active, SnapshotStatus(world, upstream.Id));

        proxy.Fault = SimulatedFault.Refuse;
        for (int i = 1; i <= 3; i++)
        {
            upstream = await AdvanceToNextCheckAndRunAsync(world, proxy);
            Assert.Equal(i < 3 ? UpstreamStatus.Active : UpstreamStatus.Quarantined, upstream.Status);
        }

        Assert.StartsWith("ConnectRefused", upstream.LastError, StringComparison.Ordinal);
        Assert.Equal(UpstreamStatus.Quarantined, SnapshotStatus(world, upstream.Id));

        // Not due before its back-off runs out.
        world.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(await runner.RunDueAsync(None));

        var delays = new List<TimeSpan> { upstream.NextCheckAt!.Value - upstream.LastCheckedAt!.Value };
        for (int i = 0; i < 2; i++)
        {
            upstream = await AdvanceToNextCheckAndRunAsync(world, proxy);
            Assert.Equal(UpstreamStatus.Quarantined, upstream.Status);
            delays.Add(upstream.NextCheckAt!.Value - upstream.LastCheckedAt!.Value);
        }

        Assert.InRange(delays[0], TimeSpan.FromSeconds(48), TimeSpan.FromSeconds(60));
        Assert.True(delays[1] > delays[0] && delays[2] > delays[1], string.Join(", ", delays));
        Assert.Equal(2, upstream.FailedRechecks);

        proxy.Fault = SimulatedFault.None;
        upstream = await AdvanceToNextCheckAndRunAsync(world, proxy);
        Assert.Equal(UpstreamStatus.Quarantined, upstream.Status);
        upstream = await AdvanceToNextCheckAndRunAsync(world, proxy);
        Assert.Equal(UpstreamStatus.Active, upstream.Status);
        Assert.Equal(UpstreamStatus.Active, SnapshotStatus(world, upstream.Id));

        List<UpstreamStatusTransitionEntity> transitions = await world.TransitionsAsync(upstream.Id);
        Assert.Equal(
            [(null, UpstreamStatus.Pending), (UpstreamStatus.Pending, UpstreamStatus.Active), (UpstreamStatus.Active, UpstreamStatus.Quarantined), (UpstreamStatus.Quarantined, UpstreamStatus.Active)],
            transitions.Select(t => (t.From, t.To)));
        Assert.Contains("3 consecutive failed probes", transitions[2].Reason, StringComparison.Ordinal);
        Assert.Contains("recovered", transitions[3].Reason, StringComparison.Ordinal);
        Assert.All(transitions.Skip(1), t => Assert.True(t.At > world.Time.GetUtcNow().AddHours(-2)));
    }

    [Fact]
    public async Task RunDueAsync_UpstreamNeverRecovers_RetiredAndNoLongerProbed()
    {
        await using HealthTestWorld world = await CreateAsync(o => o.RetireAfterFailedRechecks = 4);
        SimulatedUpstreamProxy proxy = world.StartUpstream("127.0.4.32", UpstreamScheme.Socks5);
        SimulatedUpstreamProxy healthy = world.StartUpstream("127.0.4.33");
        await world.BuildAsync(pools: Pool("res", UpstreamType.Residential, Entry(proxy), Entry(healthy)));
        proxy.Fault = SimulatedFault.Refuse;
        var runner = world.Get<HealthCheckRunner>();

        UpstreamEntity upstream = await world.UpstreamAsync(proxy);
        int probes = 0;
        while (upstream.Status != UpstreamStatus.Retired && probes < 20)
        {
            world.Time.SetUtcNow(upstream.NextCheckAt ?? world.Time.GetUtcNow());
            await runner.RunDueAsync(None);
            probes++;
            upstream = await world.UpstreamAsync(proxy);
        }

        // 3 failures to quarantine (pending counts like active), then 4 failed re-checks.
        Assert.Equal(UpstreamStatus.Retired, upstream.Status);
        Assert.Equal(7, probes);
        Assert.Contains("4 failed re-checks", upstream.StatusReason, StringComparison.Ordinal);
        Assert.False(world.Get<IPoolSnapshotSource>().Current.TryGet(upstream.Id, out _));

        world.Time.Advance(TimeSpan.FromDays(2));
        IReadOnlyList<HealthCheckOutcome> later = await runner.RunDueAsync(None);
        Assert.DoesNotContain(later, o => o.UpstreamId == upstream.Id);
        long healthyId = (await world.UpstreamAsync(healthy)).Id;
        Assert.Contains(later, o => o.UpstreamId == healthyId);

        await using ProxyRotatorDbContext db = await world.Get<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync();
        List<HealthCheckResultEntity> history = await db.HealthCheckResults.Where(r => r.UpstreamId == upstream.Id).ToListAsync();
        Assert.Equal(7, history.Count);
        Assert.All(history, r => Assert.Equal((false, "ConnectRefused"), (r.Success, r.ErrorKind)));
    }

    [Fact]
    public async Task RunDueAsync_QuarantinedLongerThanRetireAfter_Retired()
    {
        await using HealthTestWorld world = await CreateAsync(o =>
        {
            o.RetireAfter = TimeSpan.FromMinutes(10);
            o.RetireAfterFailedRechecks = 100;
        });
        SimulatedUpstreamProxy proxy = world.StartUpstream("127.0.4.34");
        await world.BuildAsync(pools: Pool("res", UpstreamType.Residential, Entry(proxy)));
        proxy.Fault = SimulatedFault.Refuse;

        UpstreamEntity upstream = await world.UpstreamAsync(proxy);
        for (int i = 0; i < 10 && upstream.Status != UpstreamStatus.Retired; i++)
        {
            world.Time.SetUtcNow(upstream.NextCheckAt ?? world.Time.GetUtcNow());
            await world.Get<HealthCheckRunner>().RunDueAsync(None);
            upstream = await world.UpstreamAsync(proxy);
        }

        Assert.Equal(UpstreamStatus.Retired, upstream.Status);
        Assert.Contains("not recovered within", upstream.StatusReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAllAsync_PoolFilterAndCheckOne_ProbeOnlyWhatWasAsked()
    {
        await using HealthTestWorld world = await CreateAsync();
        SimulatedUpstreamProxy a = world.StartUpstream("127.0.4.35");
        SimulatedUpstreamProxy b = world.StartUpstream("127.0.4.36");
        await world.BuildAsync(pools: [Pool("one", UpstreamType.Residential, Entry(a)), Pool("two", UpstreamType.Datacenter, Entry(b))]);
        var runner = world.Get<HealthCheckRunner>();

        HealthCheckOutcome onlyTwo = Assert.Single(await runner.RunAllAsync("two", None));
        Assert.Equal(("two", "127.0.4.36", UpstreamStatus.Pending, UpstreamStatus.Active), (onlyTwo.Pool, onlyTwo.ExitIp, onlyTwo.PreviousStatus, onlyTwo.Status));
        Assert.DoesNotContain("p@ss", onlyTwo.Upstream, StringComparison.Ordinal);

        // Not due any more, but RunAll and CheckOne probe anyway.
        Assert.Equal(2, (await runner.RunAllAsync(null, None)).Count);
        long idA = (await world.UpstreamAsync(a)).Id;
        HealthCheckOutcome? one = await runner.CheckOneAsync(idA, None);
        Assert.Equal((idA, true), (one!.UpstreamId, one.Success));
        Assert.Null(await runner.CheckOneAsync(999_999, None));
    }

    [Fact]
    public async Task RunAllAsync_StatusesScoresAndExitsChange_NoSnapshotRebuildAndPicksFollow()
    {
        const int count = 200;
        bool oddOnesFail = false;
        IUpstreamProbe probe = Substitute.For<IUpstreamProbe>();
        probe.ProbeAsync(Arg.Any<UpstreamEndpoint>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            UpstreamEndpoint endpoint = call.Arg<UpstreamEndpoint>();
            return Volatile.Read(ref oddOnesFail) && endpoint.Port % 2 == 1
                ? ProbeResult.Failed(TimeSpan.FromMilliseconds(5), ProbeErrorKind.ConnectRefused, "refused")
                : ProbeResult.Succeeded(TimeSpan.FromMilliseconds(20), endpoint.Host);
        });
        await using HealthTestWorld world = await CreateAsync();
        await world.BuildAsync(probe: probe);
        await world.AddUpstreamsAsync("big", UpstreamType.Datacenter, Enumerable.Range(0, count)
            .Select(i => new UpstreamEndpoint(UpstreamScheme.Http, $"10.2.{i / 200}.{i % 200 + 1}", 8000 + i, null, null)));
        var source = world.Get<StorePoolSnapshotSource>();
        PoolSnapshot snapshot = source.Current;
        var runner = world.Get<HealthCheckRunner>();
        var selector = new UpstreamSelector();

        await runner.RunAllAsync(null, None); // pending -> active, exit IPs and scores
        Volatile.Write(ref oddOnesFail, true);
        for (int i = 0; i < world.Options.QuarantineAfterFailures; i++)
        {
            await runner.RunAllAsync(null, None); // the odd ones are quarantined
        }

        Assert.Same(snapshot, source.Current);
        Assert.False(await source.RefreshIfChangedAsync(None));
        Assert.Equal(count / 2, snapshot.GetCandidates(UpstreamQuery.Any).ActiveCount);
        Assert.All(Enumerable.Range(0, 500), _ => Assert.True(selector.Pick(snapshot, UpstreamQuery.Any, [])!.Endpoint.Port % 2 == 0));
        UpstreamProxy odd = snapshot.All.First(u => u.Endpoint.Port % 2 == 1);
        Assert.Equal((UpstreamStatus.Quarantined, odd.Endpoint.Host), (odd.Status, odd.ExitIp));
        await using (ProxyRotatorDbContext db = await world.Get<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync())
        {
            Assert.Equal((await db.Upstreams.SingleAsync(u => u.Id == odd.Id)).Score, odd.Score, 9);
        }

        // Revival reaches the selector the same way.
        Volatile.Write(ref oddOnesFail, false);
        for (int i = 0; i < world.Options.ReviveAfterSuccesses; i++)
        {
            await runner.RunAllAsync(null, None);
        }

        Assert.Same(snapshot, source.Current);
        Assert.Equal(count, snapshot.GetCandidates(UpstreamQuery.Any).ActiveCount);
        Assert.Contains(Enumerable.Range(0, 500).Select(_ => selector.Pick(snapshot, UpstreamQuery.Any, [])!.Id), id => id == odd.Id);
    }

    [Fact]
    public async Task RunAllAsync_RuntimeStateWritten_ReloadedByANewProcess()
    {
        await using HealthTestWorld world = await CreateAsync();
        SimulatedUpstreamProxy proxy = world.StartUpstream("127.0.4.37");
        await world.BuildAsync(pools: Pool("res", UpstreamType.Residential, Entry(proxy)));
        var runner = world.Get<HealthCheckRunner>();
        await runner.RunAllAsync(null, None);
        proxy.Fault = SimulatedFault.Refuse;
        for (int i = 0; i < world.Options.QuarantineAfterFailures; i++)
        {
            await runner.RunAllAsync(null, None);
        }

        UpstreamProxy before = Assert.Single(world.Get<IPoolSnapshotSource>().Current.All);
        Assert.Equal(UpstreamStatus.Quarantined, before.Status);

        // A restarted process: a new registry of runtime states, loaded from the store.
        using var restarted = new StorePoolSnapshotSource(world.Get<IDbContextFactory<ProxyRotatorDbContext>>(), new UpstreamRuntimeStates());
        await restarted.RefreshAsync(None);

        UpstreamProxy after = Assert.Single(restarted.Current.All);
        Assert.NotSame(before.Runtime, after.Runtime);
        Assert.Equal((UpstreamStatus.Quarantined, before.Score, "127.0.4.37", world.Options.QuarantineAfterFailures),
            (after.Status, after.Score, after.ExitIp, after.Runtime.ConsecutiveFailures));
        Assert.Equal(before.Runtime.LatencyMs, after.Runtime.LatencyMs);
        Assert.Null(new UpstreamSelector().Pick(restarted.Current, UpstreamQuery.Any, []));
    }

    [Fact]
    public async Task RunDueAsync_ThousandUpstreams_AllCheckedWithinConcurrencyBound()
    {
        const int count = 1000, concurrency = 10;
        int inFlight = 0, maxInFlight = 0;
        IUpstreamProbe probe = Substitute.For<IUpstreamProbe>();
        probe.ProbeAsync(Arg.Any<UpstreamEndpoint>(), Arg.Any<CancellationToken>()).Returns(async call =>
        {
            int now = Interlocked.Increment(ref inFlight);
            int seen;
            while ((seen = Volatile.Read(ref maxInFlight)) < now && Interlocked.CompareExchange(ref maxInFlight, now, seen) != seen)
            {
            }

            await Task.Delay(2);
            Interlocked.Decrement(ref inFlight);
            // The substitute answers like an echo: the "exit" is the upstream's own address.
            return ProbeResult.Succeeded(TimeSpan.FromMilliseconds(20), call.Arg<UpstreamEndpoint>().Host);
        });
        await using HealthTestWorld world = await CreateAsync(o => o.Concurrency = concurrency);
        await world.BuildAsync(probe: probe);
        await world.AddUpstreamsAsync("big", UpstreamType.Datacenter, Enumerable.Range(0, count)
            .Select(i => new UpstreamEndpoint(UpstreamScheme.Http, $"10.1.{i / 200}.{i % 200 + 1}", 8000, null, null)));

        IReadOnlyList<HealthCheckOutcome> outcomes = await world.Get<HealthCheckRunner>().RunDueAsync(None);

        Assert.Equal(count, outcomes.Count);
        Assert.Equal(count, outcomes.Select(o => o.UpstreamId).Distinct().Count());
        Assert.InRange(maxInFlight, 2, concurrency);
        await using ProxyRotatorDbContext db = await world.Get<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync();
        Assert.Equal(count, await db.Upstreams.CountAsync(u => u.Status == UpstreamStatus.Active));
        Assert.Equal(count, await db.HealthCheckResults.CountAsync());
        Assert.Equal(count, world.Get<IPoolSnapshotSource>().Current.All.Count(u => u.Status == UpstreamStatus.Active));
    }
}
