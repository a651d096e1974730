using ProxyRotator.Admin.Queries;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Sessions;

namespace ProxyRotator.Admin.Metrics;

/// <summary>Renders <c>/metrics</c>: the gateway's live counters plus gauges read from the store at scrape time.</summary>
public sealed class MetricsExposition(GatewayMetrics metrics, PoolOverviewQuery pools, ISessionStore sessions, IPoolSnapshotSource snapshots, TimeProvider timeProvider)
{
    public async Task<string> RenderAsync(CancellationToken cancellationToken)
    {
        var w = new PrometheusTextWriter();

        w.Family("proxyrotator_gateway_requests_total", "counter", "Client requests and tunnels handled by the gateway");
        w.Sample("proxyrotator_gateway_requests_total", metrics.Total.Requests);
        w.Family("proxyrotator_gateway_request_failures_total", "counter", "Client requests that ended in an error answer");
        w.Sample("proxyrotator_gateway_request_failures_total", metrics.Total.Failures);
        w.Family("proxyrotator_gateway_retries_total", "counter", "Requests moved on to another upstream after a failed attempt");
        w.Sample("proxyrotator_gateway_retries_total", metrics.Total.Retries);
        w.Family("proxyrotator_gateway_bytes_in_total", "counter", "Bytes from clients to upstreams");
        w.Sample("proxyrotator_gateway_bytes_in_total", metrics.Total.BytesIn);
        w.Family("proxyrotator_gateway_bytes_out_total", "counter", "Bytes from upstreams to clients");
        w.Sample("proxyrotator_gateway_bytes_out_total", metrics.Total.BytesOut);

        w.Family("proxyrotator_gateway_failures_total", "counter", "Failures by kind: gateway error codes and upstream attempt outcomes");
        foreach ((string kind, long count) in metrics.FailuresByKind.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.Sample("proxyrotator_gateway_failures_total", count, ("kind", kind));
        }

        w.Family("proxyrotator_gateway_active_connections", "gauge", "Open client connections");
        w.Sample("proxyrotator_gateway_active_connections", metrics.ActiveConnections);
        w.Family("proxyrotator_gateway_connections_total", "counter", "Client connections accepted");
        w.Sample("proxyrotator_gateway_connections_total", metrics.ConnectionsTotal);

        WritePickLatency(w, metrics.PickLatency);
        WritePoolTraffic(w);

        w.Family("proxyrotator_health_checks_total", "counter", "Health-check probe outcomes");
        foreach ((string outcome, long count) in metrics.HealthCheckOutcomes.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.Sample("proxyrotator_health_checks_total", count, ("outcome", outcome));
        }

        IReadOnlyList<UpstreamCensusRow> census = await pools.CensusAsync(cancellationToken).ConfigureAwait(false);
        w.Family("proxyrotator_upstreams", "gauge", "Upstreams by pool, status, type and effective country");
        foreach (UpstreamCensusRow row in census.OrderBy(r => r.Pool, StringComparer.Ordinal).ThenBy(r => r.Status).ThenBy(r => r.Type)
                     .ThenBy(r => r.Country, StringComparer.Ordinal))
        {
            w.Sample("proxyrotator_upstreams", row.Count,
                ("pool", row.Pool), ("status", UpstreamDtoMapper.Lower(row.Status)), ("type", UpstreamDtoMapper.Lower(row.Type)),
                ("country", row.Country ?? "unknown"));
        }

        WriteSessions(w);
        WriteSnapshotRebuilds(w);
        return w.ToString();
    }

    /// <summary>Read from the in-memory session table: no database and no list of every session.</summary>
    private void WriteSessions(PrometheusTextWriter w)
    {
        w.Family("proxyrotator_sessions_active", "gauge", "Sticky sessions that have not expired");
        w.Sample("proxyrotator_sessions_active", sessions.CountActive(timeProvider.GetUtcNow()));
    }

    /// <summary>Each rebuilt snapshot takes the next version, so the version counts rebuilds since start.</summary>
    private void WriteSnapshotRebuilds(PrometheusTextWriter w)
    {
        w.Family("proxyrotator_pool_snapshot_rebuilds_total", "counter", "Pool snapshot rebuilds (membership or tag changes; runtime health is updated in place)");
        w.Sample("proxyrotator_pool_snapshot_rebuilds_total", snapshots.Current.Version);
    }

    private void WritePoolTraffic(PrometheusTextWriter w)
    {
        var poolCounters = metrics.Pools.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        (string Name, string Help, Func<TrafficCounters, long> Read)[] families =
        [
            ("proxyrotator_pool_requests_total", "Client requests per pool", c => c.Requests),
            ("proxyrotator_pool_request_failures_total", "Failed client requests per pool", c => c.Failures),
            ("proxyrotator_pool_retries_total", "Retries per pool", c => c.Retries),
            ("proxyrotator_pool_bytes_in_total", "Bytes from clients per pool", c => c.BytesIn),
            ("proxyrotator_pool_bytes_out_total", "Bytes to clients per pool", c => c.BytesOut),
        ];
        foreach ((string name, string help, Func<TrafficCounters, long> read) in families)
        {
            w.Family(name, "counter", help);
            foreach ((string pool, TrafficCounters counters) in poolCounters)
            {
                w.Sample(name, read(counters), ("pool", pool));
            }
        }
    }

    private static void WritePickLatency(PrometheusTextWriter w, LatencyHistogram histogram)
    {
        const string name = "proxyrotator_gateway_pick_duration_seconds";
        w.Family(name, "histogram", "Time to pick an upstream");
        long[] cumulative = histogram.CumulativeCounts();
        for (int i = 0; i < histogram.UpperBoundsSeconds.Count; i++)
        {
            w.Sample(name + "_bucket", cumulative[i], ("le", PrometheusTextWriter.FormatValue(histogram.UpperBoundsSeconds[i])));
        }

        // Count must equal the +Inf bucket; both come from the same read.
        w.Sample(name + "_bucket", cumulative[^1], ("le", "+Inf"));
        w.Sample(name + "_sum", histogram.SumSeconds);
        w.Sample(name + "_count", cumulative[^1]);
    }
}
