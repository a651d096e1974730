using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Observability;
using ProxyRotator.Hosting;
using ProxyRotator.UnitTests.Gateway.Observability;

namespace ProxyRotator.UnitTests.Hosting;

public sealed class TracingHostingTests
{
    private static ProxyRotatorConfig Config(bool tracing) => new()
    {
        Database = "Data Source=" + Path.Combine(Path.GetTempPath(), $"tracing-{Guid.NewGuid():N}.db"),
        Admin = new AdminOptions { Listen = "127.0.0.1:0", ApiKey = "0123456789abcdef" },
        Gateway = new GatewayOptions { Listen = ["127.0.0.1:0"] },
        Tracing = new TracingOptions { Enabled = tracing, Endpoint = new Uri("http://127.0.0.1:9/") },
    };

    [Fact]
    public async Task Create_TracingEnabled_GatewaySpansReachTheTracerProvider()
    {
        var exported = new List<Activity>();
        await using ProxyRotatorApp app = ProxyRotatorApp.Create(Config(tracing: true), new ProxyRotatorAppOptions
        {
            ConfigureBuilder = builder => builder.Services.ConfigureOpenTelemetryTracerProvider(tracer => tracer.AddInMemoryExporter(exported)),
        });
        TracerProvider provider = app.Services.GetRequiredService<TracerProvider>();
        GatewayTracing tracing = app.Services.GetRequiredService<GatewayTracing>();

        Activity request = tracing.StartRequest(AccessLogProtocol.Http)!;
        GatewayTracing.EndPhase(tracing.StartPhase(request, GatewayTracePhase.Pick, 1));
        tracing.CompleteRequest(request, AccessLogEntries.Http() with { Account = "hosting-trace" });
        provider.ForceFlush(5000);

        List<Activity> trace = [.. exported.Where(a => a.TraceId == request.TraceId)];
        Assert.Equal(["proxyrotator.pick", "proxyrotator.http"], trace.Select(a => a.DisplayName));
        Assert.Equal("proxyrotator", ServiceName(provider));
    }

    [Fact]
    public async Task Create_TracingDisabled_RegistersNoTracerProvider()
    {
        await using ProxyRotatorApp app = ProxyRotatorApp.Create(Config(tracing: false));

        Assert.Null(app.Services.GetService<TracerProvider>());
    }

    private static string? ServiceName(TracerProvider provider) =>
        provider.GetResource().Attributes.FirstOrDefault(a => a.Key == "service.name").Value as string;
}
