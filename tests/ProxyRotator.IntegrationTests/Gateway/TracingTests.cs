using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using ProxyRotator.Core.Configuration;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>
/// Traces through the real product (issue 16 §2): with <c>tracing</c> on, an in-process OpenTelemetry tracer gets one
/// span per client request, with a pick and a dial span per attempt as its children.
/// </summary>
public sealed class TracingTests(TracingTests.Fixture fixture) : IClassFixture<TracingTests.Fixture>
{
    public sealed class Fixture : ProductWithWorld
    {
        public SpanCollector Spans { get; } = new();

        protected override byte Subnet => 46;

        protected override void Configure(ProxyRotatorConfig config) =>
            config.Tracing = new TracingOptions { Enabled = true, SamplingRatio = 1.0, Endpoint = new Uri("http://127.0.0.1:9/") };

        protected override void ConfigureServices(IServiceCollection services) =>
            services.ConfigureOpenTelemetryTracerProvider(tracer => tracer.AddProcessor(Spans));
    }

    /// <summary>The in-process collector: every span the tracer ends.</summary>
    public sealed class SpanCollector : BaseProcessor<Activity>
    {
        private readonly ConcurrentQueue<Activity> _ended = new();

        public override void OnEnd(Activity data) => _ended.Enqueue(data);

        /// <summary>
        /// The first ended request span named <paramref name="name"/> with <paramref name="targeting"/>, once there is
        /// one. The listener is process-wide: other products in this test run may trace too, hence a targeting of our own.
        /// </summary>
        public async Task<Activity> WaitForRequestAsync(string name, string targeting)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (true)
            {
                if (_ended.FirstOrDefault(a => a.DisplayName == name && (string?)a.GetTagItem("proxyrotator.targeting") == targeting) is { } found)
                {
                    return found;
                }

                await Task.Delay(50, timeout.Token);
            }
        }

        public Activity[] ChildrenOf(Activity parent) => [.. _ended.Where(a => a.TraceId == parent.TraceId && a.ParentSpanId == parent.SpanId)];
    }

    [Fact]
    public async Task Socks5Request_TracingOn_ExportsRequestSpanWithAttemptSpans()
    {
        CurlResult result = await Curl.RunAsync(["-f", "-x", fixture.Product.ProxyUrl(TestConfigs.User + "-country-GB", scheme: "socks5h"), fixture.OriginUrl("ip")]);

        Assert.True(result.ExitCode == 0, result.Error);
        Activity request = await fixture.Spans.WaitForRequestAsync("proxyrotator.socks5", "country-GB");
        AssertAttemptSpans(request);
        Assert.Equal(0, request.GetTagItem("proxyrotator.socks.reply"));
        Activity relay = Assert.Single(fixture.Spans.ChildrenOf(request), a => a.DisplayName == "proxyrotator.relay");
        Activity dial = Assert.Single(fixture.Spans.ChildrenOf(request), a => a.DisplayName == "proxyrotator.dial");
        Activity handshake = Assert.Single(fixture.Spans.ChildrenOf(dial), a => a.DisplayName == "proxyrotator.upstream_handshake");
        Assert.True(handshake.StartTimeUtc >= dial.StartTimeUtc && handshake.StartTimeUtc + handshake.Duration <= dial.StartTimeUtc + dial.Duration + TimeSpan.FromMilliseconds(1));
        Assert.Equal(request.GetTagItem("proxyrotator.upstream.id"), relay.GetTagItem("proxyrotator.upstream.id"));
        Assert.Equal(ActivityStatusCode.Unset, relay.Status);
    }

    [Fact]
    public async Task AbsoluteFormRequest_TracingOn_ExportsRequestSpanWithAttemptSpans()
    {
        CurlResult result = await Curl.RunAsync(["-f", "-x", fixture.Product.ProxyUrl(TestConfigs.User + "-country-US"), fixture.OriginUrl("ip")]);

        Assert.True(result.ExitCode == 0, result.Error);
        Activity request = await fixture.Spans.WaitForRequestAsync("proxyrotator.http", "country-US");
        AssertAttemptSpans(request);
        Assert.Equal(200, request.GetTagItem("http.response.status_code"));
    }

    private void AssertAttemptSpans(Activity request)
    {
        Activity[] children = fixture.Spans.ChildrenOf(request);
        Activity pick = Assert.Single(children, a => a.DisplayName == "proxyrotator.pick");
        Activity dial = Assert.Single(children, a => a.DisplayName == "proxyrotator.dial");
        Assert.Equal(1, pick.GetTagItem("proxyrotator.attempt"));
        Assert.Equal(1, dial.GetTagItem("proxyrotator.attempt"));
        Assert.Equal(request.GetTagItem("proxyrotator.upstream.id"), dial.GetTagItem("proxyrotator.upstream.id"));
        Assert.Equal(ActivityStatusCode.Unset, dial.Status);
        Assert.Equal(1, request.GetTagItem("proxyrotator.attempts"));
        Assert.Equal(TestConfigs.User, request.GetTagItem("proxyrotator.account"));
        Assert.DoesNotContain(request.TagObjects, tag => tag.Value is string text && text.Contains(TestConfigs.Password, StringComparison.Ordinal));
    }
}
