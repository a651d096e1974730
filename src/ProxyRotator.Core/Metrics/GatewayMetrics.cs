using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Core.Metrics;

/// <summary>
/// The gateway's traffic figures. Every call is lock-free and allocation-free on the steady state, so the gateway
/// can call it on its hot path. Each number is counted once, in the running totals here (per pool, per upstream
/// and in total) that <c>/metrics</c> and <c>/api/stats</c> read; the <see cref="Meter"/> (for OpenTelemetry or
/// <c>dotnet-counters</c>) publishes the same totals through observable instruments read at collection time, so
/// the two can never disagree. Histograms are kept here too; the meter's histogram instruments record only while
/// something listens to them.
/// </summary>
/// <remarks>
/// How the gateway calls it: <see cref="ConnectionOpened"/>/<see cref="ConnectionClosed"/> around each client
/// connection; <see cref="RecordPick"/> with the time one pick took; <see cref="RecordRequest"/> once per client
/// request or tunnel with the <c>X-ProxyRotator-Error</c> code (null on success); <see cref="RecordRetry"/> when
/// a request moves on to another upstream; upstream attempts arrive through <see cref="RecordOutcome"/>
/// (wire <see cref="MeteringOutcomeSink"/> in front of the real sink and it happens by itself; probe outcomes
/// count as health-check outcomes). Labels are bounded: pools (from the configuration), failure kinds (a fixed
/// set) and probe outcomes; never accounts or targets. Per-upstream totals leave with their upstream
/// (<see cref="PruneUpstreams"/>).
/// </remarks>
public sealed class GatewayMetrics
{
    public const string MeterName = "ProxyRotator.Gateway";

    /// <summary>Pick latency buckets: picks should take well under a microsecond; anything in milliseconds is a problem.</summary>
    private static readonly double[] PickBuckets = [1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 1e-3, 1e-2];

    /// <summary>Upstream latency buckets (attempts and probes): from a fast datacenter proxy to a slow mobile one.</summary>
    private static readonly double[] UpstreamLatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Histogram<double> _pickDuration;
    private readonly Histogram<double> _attemptDuration;

    private readonly ConcurrentDictionary<string, TrafficCounters> _pools = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, TrafficCounters> _upstreams = new();
    private readonly ConcurrentDictionary<string, Counter64> _failuresByKind = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Counter64> _healthCheckOutcomes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Counter64> _udpDropped = new(StringComparer.Ordinal);
    private long _activeConnectionCount;
    private long _connectionsTotal;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        Meter meter = meterFactory.Create(MeterName);
        meter.CreateObservableCounter("proxyrotator.gateway.requests", ObserveRequestsByPool, description: "Client requests and tunnels handled");
        meter.CreateObservableCounter("proxyrotator.gateway.failures", () => Observe(_failuresByKind, "kind"), description: "Failed requests and upstream attempts by kind");
        meter.CreateObservableCounter("proxyrotator.gateway.retries", () => Total.Retries, description: "Requests moved on to another upstream");
        meter.CreateObservableCounter("proxyrotator.gateway.bytes_in", () => Total.BytesIn, "By", "Bytes from clients to upstreams");
        meter.CreateObservableCounter("proxyrotator.gateway.bytes_out", () => Total.BytesOut, "By", "Bytes from upstreams to clients");
        meter.CreateObservableUpDownCounter("proxyrotator.gateway.active_connections", () => ActiveConnections, description: "Open client connections");
        meter.CreateObservableCounter("proxyrotator.gateway.connections", () => ConnectionsTotal, description: "Client connections accepted");
        meter.CreateObservableCounter("proxyrotator.gateway.udp_dropped", () => Observe(_udpDropped, "reason"), description: "SOCKS5 UDP datagrams dropped by the relay, by reason");
        meter.CreateObservableCounter("proxyrotator.health.checks", () => Observe(_healthCheckOutcomes, "outcome"), description: "Health-check probe outcomes");
        _pickDuration = meter.CreateHistogram<double>("proxyrotator.gateway.pick_duration", "s", "Time to pick an upstream");
        _attemptDuration = meter.CreateHistogram<double>("proxyrotator.gateway.attempt_duration", "s", "Time of one attempt through an upstream");
    }

    /// <summary>Totals over every pool.</summary>
    public TrafficCounters Total { get; } = new();

    public LatencyHistogram PickLatency { get; } = new(PickBuckets);

    /// <summary>Latency of live attempts through upstreams (not probes), as the outcome reports it.</summary>
    public LatencyHistogram AttemptLatency { get; } = new(UpstreamLatencyBuckets);

    /// <summary>Latency of health-check probes.</summary>
    public LatencyHistogram ProbeLatency { get; } = new(UpstreamLatencyBuckets);

    public long ActiveConnections => Interlocked.Read(ref _activeConnectionCount);

    public long ConnectionsTotal => Interlocked.Read(ref _connectionsTotal);

    public IEnumerable<KeyValuePair<string, TrafficCounters>> Pools => _pools;

    public IEnumerable<KeyValuePair<long, TrafficCounters>> Upstreams => _upstreams;

    /// <summary>Failures by kind: gateway error codes (e.g. <c>no-upstream</c>) and upstream outcome kinds (e.g. <c>UpstreamTimeout</c>).</summary>
    public IEnumerable<KeyValuePair<string, long>> FailuresByKind => _failuresByKind.Select(p => KeyValuePair.Create(p.Key, p.Value.Value));

    /// <summary>Health-check probe outcomes by kind (<c>Success</c> or an outcome kind).</summary>
    public IEnumerable<KeyValuePair<string, long>> HealthCheckOutcomes => _healthCheckOutcomes.Select(p => KeyValuePair.Create(p.Key, p.Value.Value));

    /// <summary>A client connection opened; <paramref name="accepted"/> false for one already counted (handed on within the gateway).</summary>
    public void ConnectionOpened(bool accepted = true)
    {
        Interlocked.Increment(ref _activeConnectionCount);
        if (accepted)
        {
            Interlocked.Increment(ref _connectionsTotal);
        }
    }

    public void ConnectionClosed()
    {
        Interlocked.Decrement(ref _activeConnectionCount);
    }

    public void RecordPick(TimeSpan elapsed)
    {
        PickLatency.Record(elapsed);
        if (_pickDuration.Enabled)
        {
            _pickDuration.Record(elapsed.TotalSeconds);
        }
    }

    /// <summary>One client request or tunnel finished. <paramref name="errorCode"/> is the <c>X-ProxyRotator-Error</c> code, null on success.</summary>
    public void RecordRequest(string? pool, string? errorCode)
    {
        bool failed = errorCode is not null;
        Total.AddRequest(failed);
        if (pool is not null)
        {
            PoolCounters(pool).AddRequest(failed);
        }

        if (failed)
        {
            CountFailure(errorCode!);
        }
    }

    /// <summary>A datagram the SOCKS5 UDP relay dropped (<c>forbidden</c>, <c>fragment</c>, <c>malformed</c>, <c>foreign-source</c>).</summary>
    public void RecordUdpDropped(string reason) => _udpDropped.GetOrAdd(reason, static _ => new Counter64()).Increment();

    /// <summary>Dropped SOCKS5 UDP datagrams by reason.</summary>
    public IEnumerable<KeyValuePair<string, long>> UdpDropped => _udpDropped.Select(p => KeyValuePair.Create(p.Key, p.Value.Value));

    public void RecordRetry(string? pool)
    {
        Total.AddRetry();
        if (pool is not null)
        {
            PoolCounters(pool).AddRetry();
        }
    }

    /// <summary>One attempt through one upstream (or one health probe when <see cref="UpstreamOutcome.IsProbe"/>).</summary>
    public void RecordOutcome(in UpstreamOutcome outcome, string? pool)
    {
        string kind = KindName(outcome.Kind);
        if (outcome.IsProbe)
        {
            _healthCheckOutcomes.GetOrAdd(kind, static _ => new Counter64()).Increment();
            ProbeLatency.Record(outcome.Latency);
            return;
        }

        bool failed = outcome.Kind != UpstreamOutcomeKind.Success;
        TrafficCounters upstream = _upstreams.GetOrAdd(outcome.UpstreamId, static _ => new TrafficCounters());
        upstream.AddRequest(failed);
        upstream.AddBytes(outcome.BytesFromClient, outcome.BytesToClient);
        Total.AddBytes(outcome.BytesFromClient, outcome.BytesToClient);
        if (pool is not null)
        {
            PoolCounters(pool).AddBytes(outcome.BytesFromClient, outcome.BytesToClient);
        }

        AttemptLatency.Record(outcome.Latency);
        if (_attemptDuration.Enabled)
        {
            _attemptDuration.Record(outcome.Latency.TotalSeconds);
        }

        if (failed)
        {
            CountFailure(kind);
        }
    }

    private TrafficCounters PoolCounters(string pool) => _pools.GetOrAdd(pool, static _ => new TrafficCounters());

    private void CountFailure(string kind)
    {
        _failuresByKind.GetOrAdd(kind, static _ => new Counter64()).Increment();
    }

    /// <summary>
    /// Drops the per-upstream totals of upstreams that have left the pool (absent from <paramref name="current"/>
    /// or retired), so their series do not pile up over a long run; returns how many were dropped.
    /// </summary>
    public int PruneUpstreams(PoolSnapshot current)
    {
        int pruned = 0;
        foreach (long id in _upstreams.Keys)
        {
            if (!current.TryGet(id, out UpstreamProxy? upstream) || upstream!.Status == UpstreamStatus.Retired)
            {
                pruned += _upstreams.TryRemove(id, out _) ? 1 : 0;
            }
        }

        return pruned;
    }

    private IEnumerable<Measurement<long>> ObserveRequestsByPool()
    {
        long inPools = 0;
        foreach ((string pool, TrafficCounters counters) in _pools)
        {
            long requests = counters.Requests;
            inPools += requests;
            yield return new Measurement<long>(requests, new KeyValuePair<string, object?>("pool", pool));
        }

        // Requests that never reached a pool (refused before the pick).
        yield return new Measurement<long>(Math.Max(0, Total.Requests - inPools), new KeyValuePair<string, object?>("pool", "none"));
    }

    private static IEnumerable<Measurement<long>> Observe(ConcurrentDictionary<string, Counter64> counters, string label) =>
        counters.Select(p => new Measurement<long>(p.Value.Value, new KeyValuePair<string, object?>(label, p.Key)));

    // Enum.ToString allocates; the set of kinds is small and fixed. Spelled as the answers' X-ProxyRotator-Error codes
    // (kebab-case, e.g. upstream-timeout in both): Prometheus constrains label names, not label values.
    private static string KindName(UpstreamOutcomeKind kind) => kind switch
    {
        UpstreamOutcomeKind.Success => "success",
        UpstreamOutcomeKind.UpstreamConnectFailed => "upstream-connect-failed",
        UpstreamOutcomeKind.UpstreamTimeout => "upstream-timeout",
        UpstreamOutcomeKind.UpstreamProtocolError => "upstream-protocol-error",
        UpstreamOutcomeKind.UpstreamAuthRejected => "upstream-auth-rejected",
        UpstreamOutcomeKind.UpstreamError => "upstream-error",
        UpstreamOutcomeKind.ClientAborted => "client-aborted",
        UpstreamOutcomeKind.TargetError => "target-error",
        _ => "other",
    };

    private sealed class Counter64
    {
        private long _value;

        public long Value => Interlocked.Read(ref _value);

        public void Increment() => Interlocked.Increment(ref _value);
    }
}
