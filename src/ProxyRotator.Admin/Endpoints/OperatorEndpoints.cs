using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.Admin.Dashboard;
using ProxyRotator.Admin.Metrics;
using ProxyRotator.Admin.Security;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Admin.Endpoints;

/// <summary>The operator routes outside <c>/api</c>: <c>/healthz</c> and <c>/readyz</c> (always key-less), <c>/metrics</c> and the dashboard.</summary>
internal static class OperatorEndpoints
{
    public static void Map(RouteGroupBuilder root, bool protectMetricsAndDashboard)
    {
        root.MapGet("/healthz", (IPoolSnapshotSource snapshots) =>
            {
                PoolSnapshot snapshot = snapshots.Current;
                return TypedResults.Ok(new HealthDto("ok", snapshot.All.Count, snapshot.All.Count(u => u.IsEligible)));
            })
            .WithName("Health").WithSummary("Liveness; no key needed");

        // Readiness: a load balancer or orchestrator sends traffic only while a request could be routed.
        root.MapGet("/readyz", Results<Ok<ReadinessDto>, JsonHttpResult<ReadinessDto>> (IPoolSnapshotSource snapshots) =>
            {
                ReadinessDto readiness = ReadinessDto.Of(snapshots.Current);
                return readiness.Eligible > 0
                    ? TypedResults.Ok(readiness)
                    : TypedResults.Json(readiness, statusCode: StatusCodes.Status503ServiceUnavailable);
            })
            .WithName("Ready").WithSummary("Readiness: 200 while at least one upstream is eligible (active or pending), else 503; no key needed");

        // Open by default (scrapers and the dashboard shell hold no secrets); admin.protectMetricsAndDashboard closes them.
        RouteGroupBuilder operators = root.MapGroup(string.Empty);
        if (protectMetricsAndDashboard)
        {
            operators.AddEndpointFilter<OperatorKeyEndpointFilter>();
        }

        operators.MapGet("/metrics", async (MetricsExposition exposition, CancellationToken ct) =>
                Results.Text(await exposition.RenderAsync(ct), PrometheusTextWriter.ContentType))
            .WithName("Metrics").WithSummary("Prometheus text exposition").ExcludeFromDescription();

        operators.MapGet("/", (DashboardAssets assets) => assets.Serve("index.html")).ExcludeFromDescription();
        operators.MapGet("/dashboard/{file}", (string file, DashboardAssets assets) => assets.Serve(file)).ExcludeFromDescription();
    }
}
