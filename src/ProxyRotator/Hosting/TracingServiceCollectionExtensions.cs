using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Observability;

namespace ProxyRotator.Hosting;

/// <summary>
/// OpenTelemetry tracing, only when <c>tracing.enabled</c>: the gateway's <see cref="GatewayTracing.SourceName"/>
/// spans, sampled by <c>tracing.samplingRatio</c> (parent-based), exported over OTLP. Off, nothing listens to the
/// source and the gateway creates no spans at all.
/// </summary>
internal static class TracingServiceCollectionExtensions
{
    public static IServiceCollection AddProxyRotatorTracing(this IServiceCollection services, TracingOptions tracing)
    {
        services.AddSingleton(tracing);
        if (!tracing.Enabled)
        {
            return services;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("proxyrotator", serviceVersion: typeof(TracingServiceCollectionExtensions).Assembly.GetName().Version?.ToString()))
            .WithTracing(builder => builder
                .AddSource(GatewayTracing.SourceName)
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(tracing.SamplingRatio)))
                .AddOtlpExporter(otlp =>
                {
                    otlp.Endpoint = tracing.Endpoint;
                    otlp.Protocol = tracing.Protocol == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                }));
        return services;
    }
}
