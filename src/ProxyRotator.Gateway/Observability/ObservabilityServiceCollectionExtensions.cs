using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Pipeline;

namespace ProxyRotator.Gateway.Observability;

public static class ObservabilityServiceCollectionExtensions
{
    /// <summary>
    /// The access log (<see cref="AccessLogWriter"/>, always registered; its background writer only when
    /// <c>accessLog.enabled</c>) and <see cref="GatewayTracing"/>. With the log or tracing on, the pipeline's
    /// <see cref="IRequestCompletionSink"/> is <see cref="AccessLogCompletionSink"/>, which records every ended request.
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

        // The pipeline builds a summary per request only for a sink that is not the no-op: replace it only when the
        // log or tracing will use it, so with both off the request path stays as it was.
        if (options.Enabled || config.Tracing.Enabled)
        {
            services.Replace(ServiceDescriptor.Singleton<IRequestCompletionSink, AccessLogCompletionSink>());
        }

        return services;
    }

    private static IAccessLogSink? CreateSink(AccessLogOptions options) => !options.Enabled ? null : options.Destination switch
    {
        AccessLogDestination.Stdout => StreamAccessLogSink.StandardOutput(),
        _ => new RotatingFileAccessLogSink(options.Path, options.MaxFileBytes, options.MaxFiles),
    };
}
