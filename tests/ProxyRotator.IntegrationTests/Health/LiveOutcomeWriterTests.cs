using Microsoft.EntityFrameworkCore;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health;
using ProxyRotator.Health.LiveOutcomes;
using ProxyRotator.Health.Scoring;
using ProxyRotator.Simulation.Upstreams;
using ProxyRotator.Store;
using ProxyRotator.Store.Entities;
using ProxyRotator.Store.Snapshots;
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
    public async Task FlushAsync_BurstOfLiveUpstreamFaults_QuarantinesInRuntimeStateWithoutRebuild()
    {
        (HealthTestWorld world, SimulatedUpstreamProxy proxy, long id) = await ActiveUpstreamAsync("127.0.4.62");
        await using HealthTestWorld _ = world;
        PoolSnapshot snapshot = world.Get<IPoolSnapshotSource>().Current;
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
        Assert.Same(snapshot, world.Get<IPoolSnapshotSource>().Current);
        Assert.True(snapshot.TryGet(id, out UpstreamProxy? inSnapshot));
        Assert.Equal(UpstreamStatus.Quarantined, inSnapshot!.Status);
        Assert.False(inSnapshot.IsEligible);
        Assert.False(await world.Get<StorePoolSnapshotSource>().RefreshIfChangedAsync(None));

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

    [Fact]
    public async Task ExecuteAsync_ReportsArriveWhileItWrites_RestsBeforeWritingThem()
    {
        await using HealthTestWorld world = await CreateAsync();
        await world.BuildAsync();
        // Enough upstreams that a batch takes a while to write, so the reporter queues them again during each write;
        // no more than one batch, so that each round is one transaction.
        await world.AddUpstreamsAsync("many", UpstreamType.Datacenter,
            Enumerable.Range(1, LiveOutcomeWriter.MaxBatch).Select(i => new UpstreamEndpoint(UpstreamScheme.Http, "10.9." + (i / 250) + "." + (i % 250), 8080, null, null)));
        long[] ids;
        await using (ProxyRotatorDbContext db = await world.Get<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync())
        {
            ids = await db.Upstreams.Select(u => u.Id).ToArrayAsync();
        }

        IUpstreamOutcomeSink sink = world.Get<IUpstreamOutcomeSink>();
        var writer = world.Get<LiveOutcomeWriter>();
        await writer.StartAsync(None);
        using var stopReporting = new CancellationTokenSource();
        long reported = 0;
        // Reports keep coming for every upstream, as under traffic (a thread of its own, so that no pool scheduling
        // spaces them out).
        var reporter = new Thread(() =>
        {
            while (!stopReporting.IsCancellationRequested)
            {
                foreach (long id in ids)
                {
                    sink.Report(new UpstreamOutcome(id, UpstreamOutcomeKind.Success, TimeSpan.FromMilliseconds(5), 0, 0));
                }

                Interlocked.Add(ref reported, ids.Length);
            }
        });
        reporter.Start();
        try
        {
            long afterFirstRound = 0;
            for (int i = 0; i < 500 && afterFirstRound == 0; i++)
            {
                await Task.Delay(10);
                afterFirstRound = await TotalRequestsAsync(world);
            }

            Assert.True(afterFirstRound > 0, "the first reports after a quiet spell are written at once");

            // The writer's clock only moves when the test advances it, so another write now would be one without the
            // rest: the writer used to drain until the queue was empty, which under traffic it never was.
            await Task.Delay(TimeSpan.FromMilliseconds(150));
            Assert.Equal(afterFirstRound, await TotalRequestsAsync(world));

            await stopReporting.CancelAsync();
            reporter.Join();
            long expected = Interlocked.Read(ref reported);
            for (int i = 0; i < 500 && await TotalRequestsAsync(world) < expected; i++)
            {
                world.Time.Advance(LiveOutcomeWriter.WriteInterval);
                await Task.Delay(20);
            }

            Assert.Equal(expected, await TotalRequestsAsync(world));
        }
        finally
        {
            await stopReporting.CancelAsync();
            reporter.Join();
            await writer.StopAsync(None);
        }
    }

    [Fact]
    public async Task FlushAsync_WriteFails_CountsWrittenByTheNextFlush()
    {
        (HealthTestWorld world, SimulatedUpstreamProxy proxy, long id) = await ActiveUpstreamAsync("127.0.4.65");
        await using HealthTestWorld _ = world;
        IUpstreamOutcomeSink sink = world.Get<IUpstreamOutcomeSink>();
        var writer = world.Get<LiveOutcomeWriter>();
        for (int i = 0; i < 3; i++)
        {
            sink.Report(new UpstreamOutcome(id, UpstreamOutcomeKind.Success, TimeSpan.FromMilliseconds(5), 0, 0));
        }

        // The table is away for one flush, so its write fails.
        await RenameUpstreamsTableAsync(world, "Upstreams", "UpstreamsAway");
        await Assert.ThrowsAnyAsync<Exception>(() => writer.FlushAsync(None));
        await RenameUpstreamsTableAsync(world, "UpstreamsAway", "Upstreams");
        sink.Report(new UpstreamOutcome(id, UpstreamOutcomeKind.Success, TimeSpan.FromMilliseconds(5), 0, 0));

        await writer.FlushAsync(None);

        Assert.Equal(4, (await world.UpstreamAsync(proxy)).TotalRequests);
    }

    [Fact]
    public async Task FlushAsync_AnotherWriterAddsToTotalsBetweenFlushes_CountsAreAddedNotOverwritten()
    {
        (HealthTestWorld world, long[] ids) = await StoredUpstreamsAsync(1);
        await using HealthTestWorld _ = world;
        long id = ids[0];
        IUpstreamOutcomeSink sink = world.Get<IUpstreamOutcomeSink>();
        var writer = world.Get<LiveOutcomeWriter>();
        ReportSuccesses(sink, id, 3);
        sink.Report(new UpstreamOutcome(id, UpstreamOutcomeKind.UpstreamConnectFailed, TimeSpan.FromMilliseconds(5), 0, 0));
        await writer.FlushAsync(None);
        Assert.Equal((4, 1), await TotalsAsync(world, id));

        // Another writer (a second process, an admin reset gone wrong, ...) adds to the same row in between.
        await BumpTotalsAsync(world, id, 100, 10);
        ReportSuccesses(sink, id, 2);
        await writer.FlushAsync(None);

        Assert.Equal((106, 11), await TotalsAsync(world, id));
    }

    [Fact]
    public async Task FlushAsync_AnotherWriterAddsToTotalsConcurrently_NoCountIsLost()
    {
        (HealthTestWorld world, long[] ids) = await StoredUpstreamsAsync(1);
        await using HealthTestWorld _ = world;
        long id = ids[0];
        IUpstreamOutcomeSink sink = world.Get<IUpstreamOutcomeSink>();
        var writer = world.Get<LiveOutcomeWriter>();
        const int Rounds = 40;

        // A read-modify-write writer overwrites whatever the other writer added between its read and its save.
        Task live = Task.Run(async () =>
        {
            for (int i = 0; i < Rounds; i++)
            {
                ReportSuccesses(sink, id, 1);
                await writer.FlushAsync(None);
            }
        });
        Task other = Task.Run(async () =>
        {
            for (int i = 0; i < Rounds; i++)
            {
                await BumpTotalsAsync(world, id, 1, 1);
            }
        });
        await Task.WhenAll(live, other);

        Assert.Equal((2L * Rounds, (long)Rounds), await TotalsAsync(world, id));
    }

    [Fact]
    public async Task FlushAsync_StoredLastUseIsLater_LastUseNeverMovesBackwards()
    {
        (HealthTestWorld world, long[] ids) = await StoredUpstreamsAsync(1);
        await using HealthTestWorld _ = world;
        long id = ids[0];
        IUpstreamOutcomeSink sink = world.Get<IUpstreamOutcomeSink>();
        var writer = world.Get<LiveOutcomeWriter>();
        DateTimeOffset start = world.Time.GetUtcNow();

        ReportSuccesses(sink, id, 1);
        await writer.FlushAsync(None);
        Assert.Equal(start, (await RowAsync(world, id)).LastUsedAt);

        // Another instance wrote a later use; an earlier one from here must not replace it.
        DateTimeOffset later = start.AddMinutes(30);
        await using (ProxyRotatorDbContext db = await world.Get<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync())
        {
            await db.Upstreams.Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.LastUsedAt, later));
        }

        world.Time.Advance(TimeSpan.FromMinutes(10));
        ReportSuccesses(sink, id, 1);
        await writer.FlushAsync(None);
        Assert.Equal(later, (await RowAsync(world, id)).LastUsedAt);

        world.Time.Advance(TimeSpan.FromMinutes(40));
        ReportSuccesses(sink, id, 1);
        await writer.FlushAsync(None);
        Assert.Equal(start.AddMinutes(50), (await RowAsync(world, id)).LastUsedAt);

        // Stored as UTC ticks (an integer), so the SQL comparison orders instants.
        await using (ProxyRotatorDbContext db = await world.Get<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync())
        {
            string type = await db.Database.SqlQuery<string>($"SELECT typeof(LastUsedAt) AS Value FROM Upstreams WHERE Id = {id}").SingleAsync();
            long ticks = await db.Database.SqlQuery<long>($"SELECT LastUsedAt AS Value FROM Upstreams WHERE Id = {id}").SingleAsync();
            Assert.Equal(("integer", start.AddMinutes(50).UtcTicks), (type, ticks));
        }
    }

    [Fact]
    public async Task FlushAsync_LiveFigures_LeaveUpdatedAtAndReachTheSelectorWithoutRebuild()
    {
        (HealthTestWorld world, long[] ids) = await StoredUpstreamsAsync(2);
        await using HealthTestWorld _ = world;
        IUpstreamOutcomeSink sink = world.Get<IUpstreamOutcomeSink>();
        var writer = world.Get<LiveOutcomeWriter>();
        var snapshots = world.Get<IPoolSnapshotSource>();
        await snapshots.RefreshAsync(None);
        long version = snapshots.Current.Version;
        DateTimeOffset created = world.Time.GetUtcNow();

        world.Time.Advance(TimeSpan.FromMinutes(5));
        ReportSuccesses(sink, ids[0], 1);
        await writer.FlushAsync(None);

        UpstreamEntity row = await RowAsync(world, ids[0]);
        Assert.Equal(created, row.UpdatedAt);
        Assert.Equal(world.Time.GetUtcNow(), row.LastUsedAt);
        Assert.Equal(version, snapshots.Current.Version);
        Assert.False(await world.Get<StorePoolSnapshotSource>().RefreshIfChangedAsync(None));
        Assert.True(snapshots.Current.TryGet(ids[0], out UpstreamProxy? upstream));
        Assert.Equal(row.Score, upstream!.Runtime.Score, 9);
    }

    [Fact]
    public async Task FlushAsync_UpstreamDeletedAfterFirstWrite_ForgetsItAndWritesTheOthers()
    {
        (HealthTestWorld world, long[] ids) = await StoredUpstreamsAsync(2);
        await using HealthTestWorld _ = world;
        IUpstreamOutcomeSink sink = world.Get<IUpstreamOutcomeSink>();
        var writer = world.Get<LiveOutcomeWriter>();
        var book = world.Get<UpstreamHealthBook>();
        ReportSuccesses(sink, ids[0], 1);
        ReportSuccesses(sink, ids[1], 1);
        await writer.FlushAsync(None);
        Assert.True(Knows(book, ids[0]));

        await using (ProxyRotatorDbContext db = await world.Get<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync())
        {
            await db.Upstreams.Where(u => u.Id == ids[0]).ExecuteDeleteAsync();
        }

        ReportSuccesses(sink, ids[0], 1);
        ReportSuccesses(sink, ids[1], 1);
        Assert.Equal(2, await writer.FlushAsync(None));

        Assert.False(Knows(book, ids[0]));
        Assert.True(Knows(book, ids[1]));
        Assert.Equal((2, 0), await TotalsAsync(world, ids[1]));
    }

    [Fact]
    public async Task FlushAsync_UpstreamNeverStored_ForgetsIt()
    {
        (HealthTestWorld world, long[] ids) = await StoredUpstreamsAsync(1);
        await using HealthTestWorld _ = world;
        IUpstreamOutcomeSink sink = world.Get<IUpstreamOutcomeSink>();
        var book = world.Get<UpstreamHealthBook>();
        long unknown = ids[0] + 1000;
        ReportSuccesses(sink, unknown, 1);
        ReportSuccesses(sink, ids[0], 1);

        await world.Get<LiveOutcomeWriter>().FlushAsync(None);

        Assert.False(Knows(book, unknown));
        Assert.Equal((1, 0), await TotalsAsync(world, ids[0]));
    }

    [Fact]
    public async Task FlushAsync_QuarantineAndPlainWriteInOneBatch_QuarantinesRecordsTransitionAndWritesBoth()
    {
        (HealthTestWorld world, long[] ids) = await StoredUpstreamsAsync(2);
        await using HealthTestWorld _ = world;
        IUpstreamOutcomeSink sink = world.Get<IUpstreamOutcomeSink>();
        world.Time.Advance(TimeSpan.FromMinutes(1));
        for (int i = 0; i < 5; i++)
        {
            sink.Report(new UpstreamOutcome(ids[0], UpstreamOutcomeKind.UpstreamConnectFailed, TimeSpan.FromMilliseconds(5), 0, 0));
        }

        ReportSuccesses(sink, ids[1], 2);

        Assert.Equal(2, await world.Get<LiveOutcomeWriter>().FlushAsync(None));

        DateTimeOffset now = world.Time.GetUtcNow();
        UpstreamEntity faulty = await RowAsync(world, ids[0]);
        Assert.Equal(UpstreamStatus.Quarantined, faulty.Status);
        Assert.Equal((5, 5), (faulty.TotalRequests, faulty.TotalFailures));
        Assert.Equal((now, now), (faulty.UpdatedAt, faulty.LastUsedAt));
        Assert.Equal(0.0, faulty.SuccessRate!.Value, 9);
        UpstreamStatusTransitionEntity last = (await world.TransitionsAsync(ids[0]))[^1];
        Assert.Equal((UpstreamStatus.Pending, UpstreamStatus.Quarantined, now), (last.From, last.To, last.At));
        Assert.Contains("live traffic", last.Reason, StringComparison.Ordinal);
        Assert.True(world.Get<IPoolSnapshotSource>().Current.TryGet(ids[0], out UpstreamProxy? inSnapshot));
        Assert.Equal(UpstreamStatus.Quarantined, inSnapshot!.Status);

        UpstreamEntity healthy = await RowAsync(world, ids[1]);
        Assert.Equal(UpstreamStatus.Pending, healthy.Status);
        Assert.Equal((2, 0), (healthy.TotalRequests, healthy.TotalFailures));
        Assert.Equal(now, healthy.LastUsedAt);
        Assert.NotEqual(now, healthy.UpdatedAt);
        Assert.Equal(1.0, healthy.SuccessRate!.Value, 9);
        Assert.Single(await world.TransitionsAsync(ids[1]));
    }

    /// <summary>A world with <paramref name="count"/> pending upstreams stored directly (no proxies, no probes).</summary>
    private static async Task<(HealthTestWorld World, long[] Ids)> StoredUpstreamsAsync(int count)
    {
        HealthTestWorld world = await CreateAsync(o => o.QuarantineAfterLiveFailures = 5);
        await world.BuildAsync();
        await world.AddUpstreamsAsync("stored", UpstreamType.Datacenter,
            Enumerable.Range(1, count).Select(i => new UpstreamEndpoint(UpstreamScheme.Http, $"10.9.0.{i}", 8000, null, null)));
        await using ProxyRotatorDbContext db = await world.Get<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync();
        long[] ids = await db.Upstreams.OrderBy(u => u.Id).Select(u => u.Id).ToArrayAsync();
        Assert.Equal(count, ids.Length);
        return (world, ids);
    }

    private static bool Knows(UpstreamHealthBook book, long id) => book.TryGet(id, out _);

    private static void ReportSuccesses(IUpstreamOutcomeSink sink, long id, int count)
    {
        for (int i = 0; i < count; i++)
        {
            sink.Report(new UpstreamOutcome(id, UpstreamOutcomeKind.Success, TimeSpan.FromMilliseconds(20), 100, 500));
        }
    }

    private static async Task BumpTotalsAsync(HealthTestWorld world, long id, long requests, long failures)
    {
        await using ProxyRotatorDbContext db = await world.Get<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync();
        int rows = await db.Upstreams.Where(u => u.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.TotalRequests, u => u.TotalRequests + requests)
            .SetProperty(u => u.TotalFailures, u => u.TotalFailures + failures));
        Assert.Equal(1, rows);
    }

    private static async Task<UpstreamEntity> RowAsync(HealthTestWorld world, long id)
    {
        await using ProxyRotatorDbContext db = await world.Get<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync();
        return await db.Upstreams.AsNoTracking().SingleAsync(u => u.Id == id);
    }

    private static async Task<(long Requests, long Failures)> TotalsAsync(HealthTestWorld world, long id)
    {
        UpstreamEntity row = await RowAsync(world, id);
        return (row.TotalRequests, row.TotalFailures);
    }

    private static async Task RenameUpstreamsTableAsync(HealthTestWorld world, string from, string to)
    {
        await using ProxyRotatorDbContext db = await world.Get<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync();
        string sql = "ALTER TABLE \"" + from + "\" RENAME TO \"" + to + "\"";
        await db.Database.ExecuteSqlRawAsync(sql);
    }

    private static async Task<long> TotalRequestsAsync(HealthTestWorld world)
    {
        await using ProxyRotatorDbContext db = await world.Get<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync();
        return await db.Upstreams.SumAsync(u => u.TotalRequests);
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
