using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ProxyRotator.Admin.Dashboard;
using ProxyRotator.Admin.Endpoints;
using ProxyRotator.Admin.Metrics;
using ProxyRotator.Admin.Queries;
using ProxyRotator.Admin.Security;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Health;

namespace ProxyRotator.Admin;

public static class AdminServiceCollectionExtensions
{
    /// <summary>
    /// Registers the admin API's services: queries over the store, the metrics exposition (and the shared
    /// <see cref="GatewayMetrics"/> singleton the gateway counts into), the dashboard files, camelCase JSON with
    /// enums as strings, problem details and the OpenAPI document. Needs the store's services.
    /// </summary>
    public static IServiceCollection AddProxyRotatorAdmin(this IServiceCollection services, ProxyRotatorConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        services.TryAddSingleton(config);
        services.TryAddSingleton(config.Admin);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<GatewayMetrics>();
        services.TryAddSingleton<ServerUptime>();
        services.AddProxyRotatorLifecycle(config.HealthCheck);
        services.TryAddSingleton<UpstreamCatalog>();
        services.TryAddSingleton<PoolOverviewQuery>();
        services.TryAddSingleton<SpendMeter>();
        services.TryAddSingleton<MetricsExposition>();
        services.TryAddSingleton<DashboardAssets>();
        services.TryAddSingleton<ApiKeyEndpointFilter>();
        services.TryAddSingleton<OperatorKeyEndpointFilter>();
        services.TryAddSingleton<AdminListenerEndpointFilter>();

        services.Configure<JsonOptions>(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        });
        services.AddProblemDetails();
        services.AddOpenApi();
        return services;
    }
}
