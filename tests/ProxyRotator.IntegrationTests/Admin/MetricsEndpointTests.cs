using ProxyRotator.Core.Outcomes;

namespace ProxyRotator.IntegrationTests.Admin;

public sealed class MetricsEndpointTests : AdminApiTestBase
{
    [Fact]
    public async Task GetMetrics_ParsesAsPrometheusText_WithPoolGauges()
    {
        using HttpResponseMessage response = await Client.GetAsync("/metrics");
        string text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("0.0.4", response.Content.Headers.ContentType?.Parameters.Single(p => p.Name == "version").Value);
        IReadOnlyList<PrometheusTextParser.Sample> samples = PrometheusTextParser.Parse(text);

        Assert.Equal(2, Value(samples, "proxyrotator_upstreams", ("pool", "res-eu"), ("status", "active"), ("type", "residential"), ("country", "DE")));
        Assert.Equal(1, Value(samples, "proxyrotator_upstreams", ("pool", "res-eu"), ("status", "quarantined"), ("type", "mobile"), ("country", "FR")));
        Assert.Equal(1, Value(samples, "proxyrotator_upstreams", ("pool", "dc"), ("status", "retired"), ("type", "datacenter"), ("country", "US")));
        Assert.Equal(1, Value(samples, "proxyrotator_sessions_active"));
        Assert.True(Value(samples, "proxyrotator_pool_snapshot_rebuilds_total") >= 1, "the snapshot was built at least once");
        foreach (string family in new[]
                 {
                     "proxyrotator_gateway_requests_total", "proxyrotator_gateway_retries_total", "proxyrotator_gateway_bytes_in_total",
                     "proxyrotator_gateway_bytes_out_total", "proxyrotator_gateway_active_connections", "proxyrotator_gateway_pick_duration_seconds_count",
                 })
        {
            Assert.Contains(samples, s => s.Name == family);
        }
    }

    [Fact]
    public async Task GetMetrics_AfterTraffic_CountersMove()
    {
        IReadOnlyList<PrometheusTextParser.Sample> before = PrometheusTextParser.Parse(await Client.GetStringAsync("/metrics"));
        long upstream = await Server.UpstreamIdAsync("127.0.4.1");

        for (int i = 0; i < 5; i++)
        {
            Server.Metrics.ConnectionOpened();
            Server.Metrics.RecordPick(TimeSpan.FromMicroseconds(2));
            Server.Metrics.RecordOutcome(new UpstreamOutcome(upstream, UpstreamOutcomeKind.Success, TimeSpan.FromMilliseconds(4), 100, 1000), "dc");
            Server.Metrics.RecordRequest("dc", i == 0 ? "upstream-timeout" : null);
        }

        Server.Metrics.RecordRetry("dc");
        Server.Metrics.RecordOutcome(new UpstreamOutcome(upstream, UpstreamOutcomeKind.UpstreamConnectFailed, TimeSpan.Zero, 0, 0, IsProbe: true), null);
        IReadOnlyList<PrometheusTextParser.Sample> after = PrometheusTextParser.Parse(await Client.GetStringAsync("/metrics"));

        Assert.Equal(5, Value(after, "proxyrotator_gateway_requests_total") - Value(before, "proxyrotator_gateway_requests_total"));
        Assert.Equal(1, Value(after, "proxyrotator_gateway_request_failures_total") - Value(before, "proxyrotator_gateway_request_failures_total"));
        Assert.Equal(1, Value(after, "proxyrotator_gateway_failures_total", ("kind", "upstream-timeout")));
        Assert.Equal(1, Value(after, "proxyrotator_gateway_retries_total"));
        Assert.Equal(500, Value(after, "proxyrotator_gateway_bytes_in_total"));
        Assert.Equal(5000, Value(after, "proxyrotator_pool_bytes_out_total", ("pool", "dc")));
        Assert.Equal(5, Value(after, "proxyrotator_gateway_active_connections"));
        Assert.Equal(5, Value(after, "proxyrotator_gateway_pick_duration_seconds_count"));
        Assert.Equal(5, Value(after, "proxyrotator_gateway_pick_duration_seconds_bucket", ("le", "2.5E-06")));
        Assert.Equal(1, Value(after, "proxyrotator_health_checks_total", ("outcome", "upstream-connect-failed")));
    }

    [Fact]
    public async Task GetMetrics_RuntimeGauges_ReportHeapThreadsAndCollections()
    {
        IReadOnlyList<PrometheusTextParser.Sample> samples = PrometheusTextParser.Parse(await Client.GetStringAsync("/metrics"));

        Assert.True(Value(samples, "proxyrotator_runtime_gc_heap_bytes") > 0, "a running host has a managed heap");
        Assert.True(Value(samples, "proxyrotator_runtime_gc_committed_bytes") > 0, "the GC has committed memory");
        Assert.True(Value(samples, "proxyrotator_runtime_gc_allocated_bytes_total") > 0, "the host has allocated");
        Assert.True(Value(samples, "proxyrotator_runtime_threadpool_threads") > 0, "the request itself runs on a pool thread");
        Assert.True(Value(samples, "proxyrotator_runtime_working_set_bytes") > 0, "the process is resident");
        Assert.Contains(samples, s => s.Name == "proxyrotator_runtime_gc_collections_total" && s.Labels.GetValueOrDefault("generation") == "2");
    }

    [Theory]
    [InlineData("metric_without_type 1\n")]
    [InlineData("# TYPE x counter\nx{a=\"b\\q\"} 1\n")]
    [InlineData("# TYPE x counter\nx 1\nx 2\n")]
    [InlineData("# TYPE x counter\nx one\n")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n")]
    [InlineData("# TYPE x counter\nx 1")]
    public void Parser_MalformedText_IsRejected(string text) =>
        Assert.Throws<FormatException>(() => PrometheusTextParser.Parse(text));

    private static double Value(IReadOnlyList<PrometheusTextParser.Sample> samples, string name, params (string Name, string Value)[] labels) =>
        samples.Single(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out string? v) && v == l.Value) && s.Labels.Count == labels.Length).Value;
}
