using ProxyRotator.Admin.Queries;
using ProxyRotator.Core.Accounts;
using ProxyRotator.Core.Cluster;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Sessions;
using ProxyRotator.Gateway.Observability;
using ProxyRotator.Gateway.Policy;

namespace ProxyRotator.Admin.Metrics;

/// <summary>Renders <c>/metrics</c>: the gateway's live counters plus gauges read from the store at scrape time.</summary>
/// <remarks>
/// Label cardinality stays bounded: pools, statuses, types and countries (all from the configuration or fixed
/// sets), failure kinds and score buckets. No target or upstream labels. Accounts are labels only on the
/// <c>proxyrotator_account_*</c> and <c>proxyrotator_spend_account_*</c> families: one series per account the operator
/// created, nothing a client can add.
/// </remarks>
public sealed class MetricsExposition(
    GatewayMetrics metrics, PoolOverviewQuery pools, ISessionStore sessions, IPoolSnapshotSource snapshots,
    TimeProvider timeProvider, AccessLogWriter? accessLog = null, SiteBanList? bans = null, ExclusiveExitLedger? exclusiveExits = null,
    AccountDirectory? accounts = null, SpendMeter? spend = null, ClusterMetrics? cluster = null)
{
    /// <summary>Upper bounds of the score distribution (scores run from 0 to 1).</summary>
    private static readonly double[] ScoreBuckets = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

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

        WriteHistogram(w, "proxyrotator_gateway_pick_duration_seconds", "Time to pick an upstream", metrics.PickLatency);
        WritePoolTraffic(w);
        WriteUpstreamObservations(w);
        WriteAccessLog(w);
        WriteSpend(w);

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
        WriteBans(w);
        WriteSnapshotRebuilds(w);
        WriteCluster(w);
        WriteAccounts(w);
        RuntimeGauges.Write(w);
        return w.ToString();
    }

    /// <summary>Per account, from the in-memory usage totals: requests and bytes since start, bytes today and this month.</summary>
    private void WriteAccounts(PrometheusTextWriter w)
    {
        if (accounts is null)
        {
            return;
        }

        AccountEntry[] entries = [.. accounts.Current.Entries.OrderBy(e => e.Name, StringComparer.Ordinal)];
        DateOnly today = accounts.Ledger.Today;
        w.Family("proxyrotator_accounts", "gauge", "Accounts by state");
        w.Sample("proxyrotator_accounts", entries.Count(e => e.Enabled), ("state", "enabled"));
        w.Sample("proxyrotator_accounts", entries.Count(e => !e.Enabled), ("state", "disabled"));
        w.Family("proxyrotator_account_requests_total", "counter", "Requests and tunnels per account that ended since the process started");
        foreach (AccountEntry e in entries)
        {
            w.Sample("proxyrotator_account_requests_total", e.Totals.Requests, ("account", e.Name));
        }

        w.Family("proxyrotator_account_bytes_total", "counter", "Bytes per account since the process started (up: client to target; down: to the client)");
        foreach (AccountEntry e in entries)
        {
            w.Sample("proxyrotator_account_bytes_total", e.Totals.BytesUp, ("account", e.Name), ("direction", "up"));
            w.Sample("proxyrotator_account_bytes_total", e.Totals.BytesDown, ("account", e.Name), ("direction", "down"));
        }

        w.Family("proxyrotator_account_quota_bytes", "gauge", "Bytes up plus down per account in the current UTC day and month (what quotas are checked against)");
        foreach (AccountEntry e in entries)
        {
            w.Sample("proxyrotator_account_quota_bytes", e.Totals.DayBytes(today), ("account", e.Name), ("period", "day"));
            w.Sample("proxyrotator_account_quota_bytes", e.Totals.MonthBytes(today), ("account", e.Name), ("period", "month"));
        }
    }

    /// <summary>Ban avoidance and exclusive exits (issue 13 §5-6), from memory; no site or exit labels.</summary>
    private void WriteBans(PrometheusTextWriter w)
    {
        if (bans is null)
        {
            return;
        }

        w.Family("proxyrotator_bans_active", "gauge", "(exit, site) pairs in a ban cool-down");
        w.Sample("proxyrotator_bans_active", bans.ActiveCount());
        w.Family("proxyrotator_bans_total", "counter", "Bans recorded, by how they became known");
        w.Sample("proxyrotator_bans_total", bans.DetectedTotal, ("source", "detected"));
        w.Sample("proxyrotator_bans_total", bans.ReportedTotal, ("source", "reported"));
        w.Family("proxyrotator_bans_avoided_total", "counter", "Times a pick passed over an exit the target site banned");
        w.Sample("proxyrotator_bans_avoided_total", bans.AvoidedTotal);
        if (exclusiveExits is not null)
        {
            w.Family("proxyrotator_exclusive_claims", "gauge", "(site, exit) claims in the exclusive-exit ledger");
            w.Sample("proxyrotator_exclusive_claims", exclusiveExits.Count);
            w.Family("proxyrotator_exclusive_avoided_total", "counter", "Times a pick passed over an exit another account holds for the site");
            w.Sample("proxyrotator_exclusive_avoided_total", exclusiveExits.AvoidedTotal);
        }
    }

    /// <summary>Usage and spend per account (accounts come from the configuration: bounded) and per provider and pool.</summary>
    private void WriteSpend(PrometheusTextWriter w)
    {
        if (spend is null)
        {
            return;
        }

        var accounts = spend.Accounts.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        var providers = spend.Providers.OrderBy(p => p.Key.Provider, StringComparer.Ordinal).ThenBy(p => p.Key.Pool, StringComparer.Ordinal).ToList();
        w.Family("proxyrotator_spend_account_total", "counter", "What the requests an account got served cost, in the currency of the configured cost figures");
        foreach ((string account, SpendCounters counters) in accounts)
        {
            w.Sample("proxyrotator_spend_account_total", (double)counters.Spend, ("account", account));
        }

        w.Family("proxyrotator_spend_account_requests_total", "counter", "Requests served per account");
        foreach ((string account, SpendCounters counters) in accounts)
        {
            w.Sample("proxyrotator_spend_account_requests_total", counters.Requests, ("account", account));
        }

        w.Family("proxyrotator_spend_account_bytes_total", "counter", "Bytes (both directions) served per account");
        foreach ((string account, SpendCounters counters) in accounts)
        {
            w.Sample("proxyrotator_spend_account_bytes_total", counters.Bytes, ("account", account));
        }

        w.Family("proxyrotator_spend_provider_total", "counter", "What the traffic through a provider (backconnect dialect or static) cost, per pool");
        foreach (((string provider, string pool), SpendCounters counters) in providers)
        {
            w.Sample("proxyrotator_spend_provider_total", (double)counters.Spend, ("provider", provider), ("pool", pool));
        }

        w.Family("proxyrotator_spend_provider_requests_total", "counter", "Requests served per provider and pool");
        foreach (((string provider, string pool), SpendCounters counters) in providers)
        {
            w.Sample("proxyrotator_spend_provider_requests_total", counters.Requests, ("provider", provider), ("pool", pool));
        }

        w.Family("proxyrotator_spend_provider_bytes_total", "counter", "Bytes (both directions) served per provider and pool");
        foreach (((string provider, string pool), SpendCounters counters) in providers)
        {
            w.Sample("proxyrotator_spend_provider_bytes_total", counters.Bytes, ("provider", provider), ("pool", pool));
        }
    }

    /// <summary>Read from the in-memory session table: no database and no list of every session.</summary>
    private void WriteSessions(PrometheusTextWriter w)
    {
        w.Family("proxyrotator_sessions_active", "gauge", "Sticky sessions that have not expired");
        w.Sample("proxyrotator_sessions_active", sessions.CountActive(timeProvider.GetUtcNow()));
    }

    /// <summary>Several instances on PostgreSQL: what sharing sessions and changes cost (all zero on SQLite).</summary>
    private void WriteCluster(PrometheusTextWriter w)
    {
        if (cluster is null)
        {
            return;
        }

        (string Name, string Help, long Value)[] counters =
        [
            ("proxyrotator_cluster_session_binds_total", "New sticky sessions offered to the shared store (first writer wins)", cluster.SessionBinds),
            ("proxyrotator_cluster_session_binds_followed_total", "Binds another instance had won or held: this instance followed the stored binding", cluster.SessionBindsLost),
            ("proxyrotator_cluster_session_lookups_total", "Shared-store look-ups of sessions this instance did not hold", cluster.SessionLookups),
            ("proxyrotator_cluster_session_lookups_skipped_total", "Look-ups answered by the short not-found memory", cluster.SessionLookupsSkipped),
            ("proxyrotator_cluster_session_store_degraded_total", "Session binds and look-ups served from memory because the database did not answer in time", cluster.SessionStoreDegraded),
            ("proxyrotator_cluster_changes_published_total", "Runtime changes sent to the other instances", cluster.ChangesPublished),
            ("proxyrotator_cluster_changes_received_total", "Runtime changes received from the other instances", cluster.ChangesReceived),
            ("proxyrotator_cluster_feed_reconnects_total", "Times the change feed reopened its listening connection", cluster.FeedReconnects),
        ];
        foreach ((string name, string help, long value) in counters)
        {
            w.Family(name, "counter", help);
            w.Sample(name, value);
        }
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

    /// <summary>Attempt and probe latency histograms, and the score distribution of the current pool snapshot.</summary>
    private void WriteUpstreamObservations(PrometheusTextWriter w)
    {
        WriteHistogram(w, "proxyrotator_upstream_attempt_duration_seconds", "Time of live attempts through upstreams", metrics.AttemptLatency);
        WriteHistogram(w, "proxyrotator_health_check_duration_seconds", "Time of health-check probes", metrics.ProbeLatency);
        if (snapshots is null)
        {
            return;
        }

        PoolSnapshot snapshot = snapshots.Current;
        metrics.PruneUpstreams(snapshot); // per-upstream totals of departed upstreams go at the next scrape
        w.Family("proxyrotator_upstream_score", "gauge",
            "Eligible upstreams (active or pending) whose score is at most 'le', per pool: the score distribution");
        foreach (IGrouping<string, UpstreamProxy> pool in snapshot.All.Where(u => u.IsEligible)
                     .GroupBy(u => u.PoolName, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            double[] scores = [.. pool.Select(u => u.Score)];
            foreach (double bound in ScoreBuckets)
            {
                w.Sample("proxyrotator_upstream_score", scores.Count(score => score <= bound), ("pool", pool.Key), ("le", PrometheusTextWriter.FormatValue(bound)));
            }

            w.Sample("proxyrotator_upstream_score", scores.Length, ("pool", pool.Key), ("le", "+Inf"));
        }
    }

    private void WriteAccessLog(PrometheusTextWriter w)
    {
        w.Family("proxyrotator_access_log_written_total", "counter", "Access-log lines written");
        w.Sample("proxyrotator_access_log_written_total", accessLog?.Written ?? 0);
        w.Family("proxyrotator_access_log_dropped_total", "counter", "Access-log lines dropped: queue full (the writer was too slow) or the sink failed");
        w.Sample("proxyrotator_access_log_dropped_total", accessLog?.Dropped ?? 0);
    }

    private static void WriteHistogram(PrometheusTextWriter w, string name, string help, LatencyHistogram histogram)
    {
        w.Family(name, "histogram", help);
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
