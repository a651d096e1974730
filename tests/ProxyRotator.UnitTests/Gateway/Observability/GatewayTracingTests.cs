using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Observability;

namespace ProxyRotator.UnitTests.Gateway.Observability;

/// <summary>
/// Other tests in the process may start gateway spans too (the source name is shared), so each test tags its
/// request with its own account and looks only at that trace.
/// </summary>
public sealed class GatewayTracingTests
{
    private static List<Activity> TraceOf(List<Activity> exported, Activity request) =>
        [.. exported.Where(a => a.TraceId == request.TraceId)];

    [Fact]
    public void StartRequest_NoListener_CreatesNothing()
    {
        // A private source name: no tracer provider anywhere in the process listens to it.
        using var tracing = new GatewayTracing(null, "ProxyRotator.Gateway.Test." + Guid.NewGuid().ToString("N"));
        Assert.False(tracing.Source.HasListeners());

        Activity? request = tracing.StartRequest(AccessLogProtocol.Http);
        Activity? pick = tracing.StartPhase(request, GatewayTracePhase.Pick, 1);

        Assert.Null(request);
        Assert.Null(pick);
        tracing.CompleteRequest(request, AccessLogEntries.Http()); // a no-op, not a crash
        GatewayTracing.EndPhase(pick);
    }

    [Fact]
    public void Spans_TracingOn_NeverBecomeActivityCurrent()
    {
        var exported = new List<Activity>();
        using TracerProvider provider = Sdk.CreateTracerProviderBuilder().AddSource(GatewayTracing.SourceName).AddInMemoryExporter(exported).Build();
        using var tracing = new GatewayTracing();
        Activity? ambient = Activity.Current;

        Activity request = tracing.StartRequest(AccessLogProtocol.Socks5)!;
        Assert.Same(ambient, Activity.Current);
        Activity dial = tracing.StartPhase(request, GatewayTracePhase.Dial, 1, 3)!;
        Assert.Same(ambient, Activity.Current);
        GatewayTracing.EndPhase(dial);
        Assert.Same(ambient, Activity.Current);
        tracing.CompleteRequest(request, AccessLogEntries.Socks5() with { Account = "ambient-test" });

        Assert.Same(ambient, Activity.Current);
        Assert.Equal(request.SpanId, dial.ParentSpanId);
    }

    [Fact]
    public void StartPhase_WithoutRequestSpan_CreatesNothingEvenWhenListened()
    {
        var exported = new List<Activity>();
        using TracerProvider provider = Sdk.CreateTracerProviderBuilder().AddSource(GatewayTracing.SourceName).AddInMemoryExporter(exported).Build();
        using var tracing = new GatewayTracing();

        Assert.Null(tracing.StartPhase(null, GatewayTracePhase.Dial, 1, 5));
    }

    [Fact]
    public void Helpers_TracingOn_ExportRequestSpanWithAttemptChildrenAndLogFields()
    {
        var exported = new List<Activity>();
        using TracerProvider provider = Sdk.CreateTracerProviderBuilder().AddSource(GatewayTracing.SourceName).AddInMemoryExporter(exported).Build();
        using var tracing = new GatewayTracing();

        Activity request = tracing.StartRequest(AccessLogProtocol.Connect)!;
        Assert.NotNull(request);
        GatewayTracing.EndPhase(tracing.StartPhase(request, GatewayTracePhase.Pick, 1), upstreamId: 3);
        GatewayTracing.EndPhase(tracing.StartPhase(request, GatewayTracePhase.Dial, 1, 3), "upstream_connect_failed");
        GatewayTracing.EndPhase(tracing.StartPhase(request, GatewayTracePhase.Pick, 2), upstreamId: 4);
        GatewayTracing.EndPhase(tracing.StartPhase(request, GatewayTracePhase.Dial, 2, 4));
        GatewayTracing.EndPhase(tracing.StartPhase(request, GatewayTracePhase.UpstreamHandshake, 2, 4));
        GatewayTracing.EndPhase(tracing.StartPhase(request, GatewayTracePhase.Relay, 2, 4));
        tracing.CompleteRequest(request, AccessLogEntries.Connect() with { Account = "trace-test-1", Status = 200, ErrorCode = null, UpstreamId = 4, Attempts = 2 });
        provider.ForceFlush();

        List<Activity> trace = TraceOf(exported, request);
        Activity root = Assert.Single(trace, a => a.ParentSpanId == default);
        Assert.Equal("proxyrotator.connect", root.DisplayName);
        Assert.Equal(ActivityKind.Server, root.Kind);
        Assert.Equal("trace-test-1", root.GetTagItem("proxyrotator.account"));
        Assert.Equal("example.org", root.GetTagItem("server.address"));
        Assert.Equal(443, root.GetTagItem("server.port"));
        Assert.Equal(4L, root.GetTagItem("proxyrotator.upstream.id"));
        Assert.Equal(200, root.GetTagItem("http.response.status_code"));
        Assert.Equal(2, root.GetTagItem("proxyrotator.attempts"));
        Assert.Equal("127.0.0.1", root.GetTagItem("client.address"));
        Assert.Equal(ActivityStatusCode.Unset, root.Status);

        List<Activity> children = [.. trace.Where(a => a.ParentSpanId == root.SpanId).OrderBy(a => a.StartTimeUtc)];
        Assert.Equal(
            ["proxyrotator.pick", "proxyrotator.dial", "proxyrotator.pick", "proxyrotator.dial", "proxyrotator.upstream_handshake", "proxyrotator.relay"],
            children.Select(a => a.DisplayName));
        Assert.Equal([1, 1, 2, 2, 2, 2], children.Select(a => (int)a.GetTagItem("proxyrotator.attempt")!));
        Activity failedDial = children[1];
        Assert.Equal(ActivityStatusCode.Error, failedDial.Status);
        Assert.Equal("upstream_connect_failed", failedDial.GetTagItem("error.type"));
        Assert.Equal(3L, failedDial.GetTagItem("proxyrotator.upstream.id"));
    }

    [Fact]
    public void CompleteRequest_ErrorAndHashedTargets_MarksErrorAndHidesHost()
    {
        var exported = new List<Activity>();
        using TracerProvider provider = Sdk.CreateTracerProviderBuilder().AddSource(GatewayTracing.SourceName).AddInMemoryExporter(exported).Build();
        using var tracing = new GatewayTracing(new AccessLogOptions { HashTargets = true, HashKey = "0123456789abcdef-key" });

        Activity request = tracing.StartRequest(AccessLogProtocol.Socks5)!;
        tracing.CompleteRequest(request, AccessLogEntries.Socks5() with { Account = "trace-test-2", Status = 5, ErrorCode = "upstream-failed" });
        provider.ForceFlush();

        Activity root = Assert.Single(TraceOf(exported, request));
        Assert.Equal("proxyrotator.socks5", root.DisplayName);
        Assert.Equal(ActivityStatusCode.Error, root.Status);
        Assert.Equal("upstream-failed", root.GetTagItem("error.type"));
        Assert.Equal(5, root.GetTagItem("proxyrotator.socks.reply"));
        Assert.Equal(new TargetHostHasher("0123456789abcdef-key").Hash("198.51.100.20"), root.GetTagItem("server.address"));
        Assert.DoesNotContain(root.TagObjects, t => Equals(t.Value, "198.51.100.20"));
    }
}
