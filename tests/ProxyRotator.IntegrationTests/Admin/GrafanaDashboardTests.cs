using System.Text.Json;
using System.Text.RegularExpressions;

namespace ProxyRotator.IntegrationTests.Admin;

/// <summary>
/// <c>deploy/grafana/proxyrotator.json</c> must stay importable and must only query metrics that <c>/metrics</c>
/// exposes: a renamed metric fails here, not silently on an operator's screen.
/// </summary>
public sealed partial class GrafanaDashboardTests : AdminApiTestBase
{
    [GeneratedRegex(@"\bproxyrotator_[a-z0-9_]+\b")]
    private static partial Regex MetricName();

    private static JsonElement LoadDashboard()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string path = Path.Combine(directory.FullName, "deploy", "grafana", "proxyrotator.json");
            if (File.Exists(Path.Combine(directory.FullName, "ProxyRotator.sln")))
            {
                return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
            }
        }

        throw new InvalidOperationException("ProxyRotator.sln not found above " + AppContext.BaseDirectory);
    }

    private static IEnumerable<JsonElement> QueryPanels(JsonElement dashboard) =>
        dashboard.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() != "row");

    private static IEnumerable<string> Expressions(JsonElement dashboard) =>
        QueryPanels(dashboard).SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!)
            .Concat(dashboard.GetProperty("templating").GetProperty("list").EnumerateArray().Select(v => v.GetProperty("definition").GetString()!));

    [Fact]
    public void Dashboard_Json_IsAnImportableDashboard()
    {
        JsonElement dashboard = LoadDashboard();

        Assert.Equal("proxyrotator", dashboard.GetProperty("uid").GetString());
        Assert.Equal("DS_PROMETHEUS", dashboard.GetProperty("__inputs")[0].GetProperty("name").GetString());
        List<JsonElement> panels = [.. dashboard.GetProperty("panels").EnumerateArray()];
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        foreach (JsonElement panel in QueryPanels(dashboard))
        {
            string title = panel.GetProperty("title").GetString()!;
            Assert.Equal("${DS_PROMETHEUS}", panel.GetProperty("datasource").GetProperty("uid").GetString());
            JsonElement grid = panel.GetProperty("gridPos");
            Assert.InRange(grid.GetProperty("x").GetInt32() + grid.GetProperty("w").GetInt32(), 1, 24);
            Assert.True(panel.GetProperty("targets").GetArrayLength() > 0, title);
        }
    }

    [Fact]
    public async Task Dashboard_Queries_UseOnlyMetricsThatMetricsExposes()
    {
        string text = await Client.GetStringAsync("/metrics");
        PrometheusTextParser.Parse(text); // well-formed first
        var exposed = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)))
        {
            string[] parts = line.Split(' ');
            exposed.Add(parts[2]);
            if (parts[3] == "histogram")
            {
                exposed.UnionWith([parts[2] + "_bucket", parts[2] + "_sum", parts[2] + "_count"]);
            }
        }

        string[] used = [.. Expressions(LoadDashboard()).SelectMany(e => MetricName().Matches(e).Select(m => m.Value)).Distinct().Order(StringComparer.Ordinal)];

        Assert.NotEmpty(used);
        Assert.All(used, name => Assert.True(exposed.Contains(name), $"the dashboard queries '{name}', which /metrics does not expose"));
        // Each area the dashboard promises is there.
        foreach (string family in new[]
                 {
                     "proxyrotator_pool_requests_total", "proxyrotator_gateway_failures_total", "proxyrotator_upstreams",
                     "proxyrotator_upstream_score", "proxyrotator_upstream_attempt_duration_seconds_bucket", "proxyrotator_sessions_active",
                     "proxyrotator_gateway_pick_duration_seconds_bucket", "proxyrotator_gateway_retries_total",
                 })
        {
            Assert.Contains(family, used);
        }
    }
}
