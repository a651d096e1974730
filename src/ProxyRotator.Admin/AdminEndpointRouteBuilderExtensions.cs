using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Admin.Endpoints;
using ProxyRotator.Admin.Security;
using ProxyRotator.Core.Configuration;

namespace ProxyRotator.Admin;

public static class AdminEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the admin API (design §4), <c>/healthz</c>, <c>/metrics</c>, the OpenAPI document
    /// (<c>/openapi/v1.json</c>) and the dashboard. Every route answers only connections accepted on the admin
    /// listener (see <see cref="AdminKestrelExtensions.UseProxyRotatorAdmin"/>); elsewhere, such as on the gateway port,
    /// they are 404. Every <c>/api</c> route also requires the <c>X-Api-Key</c> header.
    /// </summary>
    public static IEndpointRouteBuilder MapProxyRotatorAdmin(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Uptime counts from here (the app is built), not from the first /api/stats call that would create it.
        _ = app.ServiceProvider.GetRequiredService<ServerUptime>();

        RouteGroupBuilder root = app.MapGroup(string.Empty).AddEndpointFilter<AdminListenerEndpointFilter>();
        OperatorEndpoints.Map(root, app.ServiceProvider.GetRequiredService<AdminOptions>().ProtectMetricsAndDashboard);
        root.MapOpenApi(); // a route handler too, so the group's listener filter covers it

        RouteGroupBuilder api = root.MapGroup("/api").AddEndpointFilter<ApiKeyEndpointFilter>().WithTags("admin");
        ProxyEndpoints.Map(api);
        CheckEndpoints.Map(api);
        SessionEndpoints.Map(api);
        StatsEndpoints.Map(api);
        ImportEndpoints.Map(api);
        AccountEndpoints.Map(api);
        UsageEndpoints.Map(api);
        BanEndpoints.Map(api);
        return app;
    }
}
