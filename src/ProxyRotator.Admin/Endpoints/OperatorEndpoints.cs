using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.Admin.Dashboard;
using ProxyRotator.Admin.Metrics;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Admin.Endpoints;

/// <summary>The key-less routes of the admin listener: <c>/healthz</c>, <c>/metrics</c> and the dashboard.</summary>
internal static class OperatorEndpoints
{
    public static void Map(RouteGroupBuilder root)
    {
        root.MapGet("/healthz", (IPoolSnapshotSource snapshots) =>
            {
                PoolSnapshot snapshot = snapshots.Current;
                return TypedResults.Ok(new HealthDto("ok", snapshot.All.Count, snapshot.All.Count(u => u.IsEligible)));
            })
            .WithName("Health").WithSummary("Liveness; no key needed");

        root.MapGet("/metrics", async (MetricsExposition exposition, CancellationToken ct) =>
                Results.Text(await exposition.RenderAsync(ct), PrometheusTextWriter.ContentType))
            .WithName("Metrics").WithSummary("Prometheus text exposition").ExcludeFromDescription();

        root.MapGet("/", (DashboardAssets assets) => assets.Serve("index.html")).ExcludeFromDescription();
        root.MapGet("/dashboard/{file}", (string file, DashboardAssets assets) => assets.Serve(file)).ExcludeFromDescription();
    }
}
