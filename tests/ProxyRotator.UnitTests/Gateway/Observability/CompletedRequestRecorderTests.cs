using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Observability;

namespace ProxyRotator.UnitTests.Gateway.Observability;

public sealed class CompletedRequestRecorderTests
{
    [Fact]
    public void Record_LogOnAndSpan_QueuesTheEntryAndEndsTheSpanWithItsFields()
    {
        var exported = new List<Activity>();
        using TracerProvider provider = Sdk.CreateTracerProviderBuilder().AddSource(GatewayTracing.SourceName).AddInMemoryExporter(exported).Build();
        using var log = new AccessLogWriter(new AccessLogOptions { Enabled = true, QueueCapacity = 1 }, new StreamAccessLogSink(Stream.Null, ownsStream: false));
        using var tracing = new GatewayTracing();
        var recorder = new CompletedRequestRecorder(log, tracing);
        Activity span = tracing.StartRequest(AccessLogProtocol.Http)!;

        Assert.True(recorder.IsWanted(span));
        recorder.Record(span, AccessLogEntries.Http() with { Account = "recorder-test" });
        provider.ForceFlush();

        Assert.False(log.TryWrite(AccessLogEntries.Http())); // the queue of one holds the recorded entry
        Activity ended = Assert.Single(exported, a => a.TraceId == span.TraceId);
        Assert.Equal("recorder-test", ended.GetTagItem("proxyrotator.account"));
    }

    [Fact]
    public void IsWanted_LogOffAndNoSpan_False()
    {
        using var log = new AccessLogWriter(new AccessLogOptions(), sink: null);
        using var tracing = new GatewayTracing();

        Assert.False(new CompletedRequestRecorder(log, tracing).IsWanted(null));
    }
}
