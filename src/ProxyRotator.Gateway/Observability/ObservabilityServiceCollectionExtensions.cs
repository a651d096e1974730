using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Configuration;

namespace ProxyRotator.Gateway.Observability;

public static class ObservabilityServiceCollectionExtensions
{
    /// <summary>
    /// The access log (<see cref="AccessLogWriter"/>, always registered; its background writer only when
    /// <c>accessLog.enabled</c>) and <see cref="GatewayTracing"/>. Whatever ends a request calls
    /// <see cref="AccessLogWriter.TryWrite"/> and <see cref="GatewayTracing.CompleteRequest"/>.
    /// </summary>
    public static IServiceCollection AddProxyRotatorObservability(this IServiceCollection services, ProxyRotatorConfig config)
    {
        AccessLogOptions options = config.AccessLog;
        services.TryAddSingleton(options);
        services.TryAddSingleton(provider => new AccessLogWriter(options, CreateSink(options), provider.GetService<ILogger<AccessLogWriter>>()));
        if (options.Enabled)
        {
            services.AddHostedService<AccessLogHostedService>();
        }

        services.TryAddSingleton(_ => new GatewayTracing(options));
        services.TryAddSingleton<CompletedRequestRecorder>();
        return services;
    }

    private static IAccessLogSink? CreateSink(AccessLogOptions options) => !options.Enabled ? null : options.Destination switch
    {
        AccessLogDestination.Stdout => StreamAccessLogSink.StandardOutput(),
        _ => new RotatingFileAccessLogSink(options.Path, options.MaxFileBytes, options.MaxFiles),
    };
}
