using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using NSubstitute;

namespace ProxyRotator.UnitTests.Admin;

public sealed class GatewayMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private GatewayMetrics CreateSut() => new(_services.GetRequiredService<IMeterFactory>());

    public void Dispose() => _services.Dispose();

    [Fact]
    public void RecordRequest_SuccessAndFailure_CountTotalsPoolsAndKinds()
    {
        GatewayMetrics metrics = CreateSut();

        metrics.RecordRequest("res", errorCode: null);
        metrics.RecordRequest("res", "no-upstream");
        metrics.RecordRequest(null, "auth");
        metrics.RecordRetry("res");

        Assert.Equal((3L, 2L, 1L), (metrics.Total.Requests, metrics.Total.Failures, metrics.Total.Retries));
        TrafficCounters pool = Assert.Single(metrics.Pools).Value;
        Assert.Equal((2L, 1L, 1L), (pool.Requests, pool.Failures, pool.Retries));
        Assert.Equal(new Dictionary<string, long> { ["no-upstream"] = 1, ["auth"] = 1 }, metrics.FailuresByKind.ToDictionary());
    }

    [Fact]
    public void RecordOutcome_Attempts_CountPerUpstreamWithBytesAndFailureKinds()
    {
        GatewayMetrics metrics = CreateSut();

        metrics.RecordOutcome(new UpstreamOutcome(7, UpstreamOutcomeKind.Success, TimeSpan.FromMilliseconds(5), 100, 2000), "res");
        metrics.RecordOutcome(new UpstreamOutcome(7, UpstreamOutcomeKind.UpstreamTimeout, TimeSpan.FromSeconds(5), 50, 0), "res");

        TrafficCounters upstream = metrics.Upstreams.Single(u => u.Key == 7).Value;
        Assert.Equal((2L, 1L, 150L, 2000L), (upstream.Requests, upstream.Failures, upstream.BytesIn, upstream.BytesOut));
        Assert.Equal((150L, 2000L), (metrics.Total.BytesIn, metrics.Total.BytesOut));
        Assert.Equal(1, metrics.FailuresByKind.Single(k => k.Key == "upstream-timeout").Value);
        Assert.Equal(0, metrics.Total.Requests); // attempts are not client requests
    }

    [Fact]
    public void RecordOutcome_Probe_CountsAsHealthCheckOnly()
    {
        GatewayMetrics metrics = CreateSut();

        metrics.RecordOutcome(new UpstreamOutcome(1, UpstreamOutcomeKind.Success, TimeSpan.Zero, 0, 0, IsProbe: true), null);
        metrics.RecordOutcome(new UpstreamOutcome(1, UpstreamOutcomeKind.UpstreamConnectFailed, TimeSpan.Zero, 0, 0, IsProbe: true), null);

        Assert.Empty(metrics.Upstreams);
        Assert.Empty(metrics.FailuresByKind);
        Assert.Equal(new Dictionary<string, long> { ["success"] = 1, ["upstream-connect-failed"] = 1 }, metrics.HealthCheckOutcomes.ToDictionary());
    }

    [Fact]
    public void ConnectionOpenedClosed_TracksActiveAndTotal()
    {
        GatewayMetrics metrics = CreateSut();

        metrics.ConnectionOpened();
        metrics.ConnectionOpened();
        metrics.ConnectionClosed();

        Assert.Equal((1L, 2L), (metrics.ActiveConnections, metrics.ConnectionsTotal));
    }

    [Fact]
    public void RecordPick_FillsCumulativeBuckets()
    {
        GatewayMetrics metrics = CreateSut();

        metrics.RecordPick(TimeSpan.FromTicks(5));              // 0.5 µs
        metrics.RecordPick(TimeSpan.FromMicroseconds(30));
        metrics.RecordPick(TimeSpan.FromSeconds(1));            // beyond the last bound

        long[] cumulative = metrics.PickLatency.CumulativeCounts();
        Assert.Equal(metrics.PickLatency.UpperBoundsSeconds.Count + 1, cumulative.Length);
        Assert.Equal(1, cumulative[0]);
        Assert.Equal(2, cumulative[^2]);
        Assert.Equal(3, cumulative[^1]);
        Assert.Equal(3, metrics.PickLatency.Count);
        Assert.InRange(metrics.PickLatency.SumSeconds, 1.00003, 1.00004);
    }

    [Fact]
    public void RecordPick_PublishesToTheMeter()
    {
        GatewayMetrics metrics = CreateSut();
        var seen = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GatewayMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => seen.Add(instrument.Name));
        listener.SetMeasurementEventCallback<long>((instrument, _, _, _) => seen.Add(instrument.Name));
        listener.Start();

        metrics.RecordPick(TimeSpan.FromMicroseconds(1));
        metrics.RecordRequest("p", "bad-targeting");
        listener.RecordObservableInstruments();

        Assert.Contains("proxyrotator.gateway.pick_duration", seen);
        Assert.Contains("proxyrotator.gateway.requests", seen);
        Assert.Contains("proxyrotator.gateway.failures", seen);
    }

    [Fact]
    public void Meter_Collected_ReportsTheSameTotalsAsTheCounters()
    {
        GatewayMetrics metrics = CreateSut();
        var observed = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GatewayMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string key = instrument.Name + (tags.Length > 0 ? $"{{{tags[0].Key}={tags[0].Value}}}" : string.Empty);
            observed[key] = value;
        });
        listener.Start();

        metrics.RecordRequest("p", null);
        metrics.RecordRequest("p", "no-upstream");
        metrics.RecordRequest(null, "bad-targeting");
        metrics.RecordRetry("p");
        metrics.ConnectionOpened();
        metrics.RecordOutcome(new UpstreamOutcome(1, UpstreamOutcomeKind.Success, TimeSpan.FromMilliseconds(20), 7, 9), "p");
        listener.RecordObservableInstruments();

        // One count per event: the meter reads the same totals /metrics writes, it does not keep its own.
        Assert.Equal(2, observed["proxyrotator.gateway.requests{pool=p}"]);
        Assert.Equal(1, observed["proxyrotator.gateway.requests{pool=none}"]);
        Assert.Equal(metrics.Total.Requests, observed["proxyrotator.gateway.requests{pool=p}"] + observed["proxyrotator.gateway.requests{pool=none}"]);
        Assert.Equal(1, observed["proxyrotator.gateway.failures{kind=no-upstream}"]);
        Assert.Equal(metrics.Total.Retries, observed["proxyrotator.gateway.retries"]);
        Assert.Equal(metrics.Total.BytesIn, observed["proxyrotator.gateway.bytes_in"]);
        Assert.Equal(metrics.ActiveConnections, observed["proxyrotator.gateway.active_connections"]);
        Assert.Equal(1, metrics.AttemptLatency.Count);
    }

    [Fact]
    public void PruneUpstreams_UpstreamLeftOrRetired_DropsItsTotals()
    {
        GatewayMetrics metrics = CreateSut();
        foreach (long id in new long[] { 1, 2, 3 })
        {
            metrics.RecordOutcome(new UpstreamOutcome(id, UpstreamOutcomeKind.Success, TimeSpan.Zero, 1, 1), "p");
        }

        UpstreamProxy Upstream(long id, UpstreamStatus status) => new()
        {
            Id = id,
            PoolName = "p",
            Endpoint = new UpstreamEndpoint(UpstreamScheme.Http, "127.0.0.1", 1, null, null),
            Type = UpstreamType.Datacenter,
            Status = status,
        };

        int pruned = metrics.PruneUpstreams(new PoolSnapshot([Upstream(1, UpstreamStatus.Active), Upstream(2, UpstreamStatus.Retired)], 2));

        Assert.Equal(2, pruned);
        Assert.Equal([1L], metrics.Upstreams.Select(p => p.Key));
        Assert.Equal(3, metrics.Pools.Single().Value.BytesIn); // the pool keeps what departed upstreams carried
        Assert.Equal(3, metrics.Total.BytesIn);
    }

    [Fact]
    public void MeteringOutcomeSink_Report_CountsByPoolAndForwards()
    {
        GatewayMetrics metrics = CreateSut();
        var inner = Substitute.For<IUpstreamOutcomeSink>();
        var snapshots = Substitute.For<IPoolSnapshotSource>();
        var upstream = new UpstreamProxy
        {
            Id = 3,
            PoolName = "dc",
            Endpoint = new UpstreamEndpoint(UpstreamScheme.Http, "127.0.0.1", 1, null, null),
            Type = UpstreamType.Datacenter,
            Status = UpstreamStatus.Active,
        };
        snapshots.Current.Returns(new PoolSnapshot([upstream], 1));
        var sink = new MeteringOutcomeSink(inner, metrics, snapshots);

        sink.Report(new UpstreamOutcome(3, UpstreamOutcomeKind.Success, TimeSpan.Zero, 10, 20));

        inner.Received(1).Report(Arg.Is<UpstreamOutcome>(o => o.UpstreamId == 3));
        Assert.Equal(20, metrics.Pools.Single(p => p.Key == "dc").Value.BytesOut);
    }
}
