using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ProxyRotator.Core.Outcomes;

namespace ProxyRotator.Core.Metrics;

/// <summary>
/// The gateway's traffic figures. Every call is lock-free and allocation-free on the steady state, so the gateway
/// can call it on its hot path. Figures go two ways: to a <see cref="Meter"/> (for OpenTelemetry or
/// <c>dotnet-counters</c>) and into running totals per pool and per upstream that <c>/metrics</c> and
/// <c>/api/stats</c> read.
/// </summary>
/// <remarks>
/// How the gateway calls it: <see cref="ConnectionOpened"/>/<see cref="ConnectionClosed"/> around each client
/// connection; <see cref="RecordPick"/> with the time one pick took; <see cref="RecordRequest"/> once per client
/// request or tunnel with the <c>X-ProxyRotator-Error</c> code (null on success); <see cref="RecordRetry"/> when
/// a request moves on to another upstream; upstream attempts arrive through <see cref="RecordOutcome"/>
/// (wire <see cref="MeteringOutcomeSink"/> in front of the real sink and it happens by itself; probe outcomes
/// count as health-check outcomes).
/// </remarks>
public sealed class GatewayMetrics
{
    public const string MeterName = "ProxyRotator.Gateway";

    /// <summary>Pick latency buckets: picks should take well under a microsecond; anything in milliseconds is a problem.</summary>
    private static readonly double[] PickBuckets = [1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 1e-3, 1e-2];

    private readonly Counter<long> _requests;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _bytesIn;
    private readonly Counter<long> _bytesOut;
    private readonly UpDownCounter<long> _activeConnections;
    private readonly Histogram<double> _pickDuration;
    private readonly Counter<long> _healthChecks;

    private readonly ConcurrentDictionary<string, TrafficCounters> _pools = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, TrafficCounters> _upstreams = new();
    private readonly ConcurrentDictionary<string, Counter64> _failuresByKind = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Counter64> _healthCheckOutcomes = new(StringComparer.Ordinal);
    private long _activeConnectionCount;
    private long _connectionsTotal;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        Meter meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("proxyrotator.gateway.requests", description: "Client requests and tunnels handled");
        _failures = meter.CreateCounter<long>("proxyrotator.gateway.failures", description: "Failed requests and upstream attempts by kind");
        _retries = meter.CreateCounter<long>("proxyrotator.gateway.retries", description: "Requests moved on to another upstream");
        _bytesIn = meter.CreateCounter<long>("proxyrotator.gateway.bytes_in", "By", "Bytes from clients to upstreams");
        _bytesOut = meter.CreateCounter<long>("proxyrotator.gateway.bytes_out", "By", "Bytes from upstreams to clients");
        _activeConnections = meter.CreateUpDownCounter<long>("proxyrotator.gateway.active_connections", description: "Open client connections");
        _pickDuration = meter.CreateHistogram<double>("proxyrotator.gateway.pick_duration", "s", "Time to pick an upstream");
        _healthChecks = meter.CreateCounter<long>("proxyrotator.health.checks", description: "Health-check probe outcomes");
    }

    /// <summary>Totals over every pool.</summary>
    public TrafficCounters Total { get; } = new();

    public LatencyHistogram PickLatency { get; } = new(PickBuckets);

    public long ActiveConnections => Interlocked.Read(ref _activeConnectionCount);

    public long ConnectionsTotal => Interlocked.Read(ref _connectionsTotal);

    public IEnumerable<KeyValuePair<string, TrafficCounters>> Pools => _pools;

    public IEnumerable<KeyValuePair<long, TrafficCounters>> Upstreams => _upstreams;

    /// <summary>Failures by kind: gateway error codes (e.g. <c>no-upstream</c>) and upstream outcome kinds (e.g. <c>UpstreamTimeout</c>).</summary>
    public IEnumerable<KeyValuePair<string, long>> FailuresByKind => _failuresByKind.Select(p => KeyValuePair.Create(p.Key, p.Value.Value));

    /// <summary>Health-check probe outcomes by kind (<c>Success</c> or an outcome kind).</summary>
    public IEnumerable<KeyValuePair<string, long>> HealthCheckOutcomes => _healthCheckOutcomes.Select(p => KeyValuePair.Create(p.Key, p.Value.Value));

    public void ConnectionOpened()
    {
        Interlocked.Increment(ref _activeConnectionCount);
        Interlocked.Increment(ref _connectionsTotal);
        _activeConnections.Add(1);
    }

    public void ConnectionClosed()
    {
        Interlocked.Decrement(ref _activeConnectionCount);
        _activeConnections.Add(-1);
    }

    public void RecordPick(TimeSpan elapsed)
    {
        PickLatency.Record(elapsed);
        _pickDuration.Record(elapsed.TotalSeconds);
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

        _requests.Add(1, new KeyValuePair<string, object?>("pool", pool ?? "none"));
        if (failed)
        {
            CountFailure(errorCode!);
        }
    }

    public void RecordRetry(string? pool)
    {
        Total.AddRetry();
        if (pool is not null)
        {
            PoolCounters(pool).AddRetry();
        }

        _retries.Add(1);
    }

    /// <summary>One attempt through one upstream (or one health probe when <see cref="UpstreamOutcome.IsProbe"/>).</summary>
    public void RecordOutcome(in UpstreamOutcome outcome, string? pool)
    {
        string kind = KindName(outcome.Kind);
        if (outcome.IsProbe)
        {
            _healthCheckOutcomes.GetOrAdd(kind, static _ => new Counter64()).Increment();
            _healthChecks.Add(1, new KeyValuePair<string, object?>("outcome", kind));
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

        _bytesIn.Add(outcome.BytesFromClient);
        _bytesOut.Add(outcome.BytesToClient);
        if (failed)
        {
            CountFailure(kind);
        }
    }

    private TrafficCounters PoolCounters(string pool) => _pools.GetOrAdd(pool, static _ => new TrafficCounters());

    private void CountFailure(string kind)
    {
        _failuresByKind.GetOrAdd(kind, static _ => new Counter64()).Increment();
        _failures.Add(1, new KeyValuePair<string, object?>("kind", kind));
    }

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
