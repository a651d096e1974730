using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Gateway.Observability;
using ProxyRotator.Gateway.Pipeline;

namespace ProxyRotator.UnitTests.Gateway.Observability;

public sealed class AccessLogCompletionSinkTests
{
    private static RequestSummary Summary(GatewayProtocol protocol) => new(
        AccessLogEntries.Time,
        new IPEndPoint(IPAddress.Parse("10.1.2.3"), 50000),
        protocol,
        "alice",
        new TargetingParameters { Account = "alice", Type = UpstreamType.Mobile, Country = "DE", SessionId = "s1", SessionTtl = TimeSpan.FromMinutes(10), SessionMode = SessionMode.Strict },
        "example.com",
        80,
        7,
        "203.0.113.9",
        protocol == GatewayProtocol.Socks5 ? 0 : 502,
        protocol == GatewayProtocol.Socks5 ? (byte)0x05 : null,
        "upstream-failed",
        11,
        22,
        TimeSpan.FromMilliseconds(5),
        2,
        "s1",
        new Uri("http://example.com/search?q=token"),
        UpstreamType.Mobile);

    [Fact]
    public void ToEntry_AbsoluteForm_MapsEveryField()
    {
        AccessLogEntry entry = AccessLogCompletionSink.ToEntry(Summary(GatewayProtocol.AbsoluteForm), includeUrlPath: false);

        Assert.Equal(AccessLogProtocol.Http, entry.Protocol);
        Assert.Equal(IPAddress.Parse("10.1.2.3"), entry.ClientAddress);
        Assert.Equal("alice", entry.Account);
        Assert.Equal("type-mobile-country-DE-session-s1-sesstime-10-sessmode-strict", entry.Targeting);
        Assert.Equal(("example.com", 80), (entry.TargetHost, entry.TargetPort));
        Assert.Equal((7L, "mobile", "203.0.113.9"), (entry.UpstreamId!.Value, entry.UpstreamKind, entry.ExitIp));
        Assert.Equal((502, "upstream-failed"), (entry.Status, entry.ErrorCode));
        Assert.Equal((11L, 22L, 2), (entry.BytesUp, entry.BytesDown, entry.Attempts));
        Assert.Equal("s1", entry.SessionId);
        Assert.Null(entry.UrlPathAndQuery);
    }

    [Fact]
    public void ToEntry_IncludeUrlPath_FillsPathAndQuery()
    {
        AccessLogEntry entry = AccessLogCompletionSink.ToEntry(Summary(GatewayProtocol.AbsoluteForm), includeUrlPath: true);

        Assert.Equal("/search?q=token", entry.UrlPathAndQuery);
    }

    [Fact]
    public void ToEntry_Socks5_StatusIsTheSocksReply()
    {
        AccessLogEntry entry = AccessLogCompletionSink.ToEntry(Summary(GatewayProtocol.Socks5) with { TargetUri = null }, includeUrlPath: true);

        Assert.Equal(AccessLogProtocol.Socks5, entry.Protocol);
        Assert.Equal(0x05, entry.Status);
    }

    [Fact]
    public void FormatTargeting_AccountOnly_Null()
    {
        Assert.Null(AccessLogCompletionSink.FormatTargeting(new TargetingParameters { Account = "alice" }));
    }

    [Theory]
    [InlineData(false, false, typeof(NoRequestCompletionSink))]
    [InlineData(true, false, typeof(AccessLogCompletionSink))]
    [InlineData(false, true, typeof(AccessLogCompletionSink))]
    public void AddProxyRotatorObservability_LogOrTracing_ReplacesTheNoOpSinkOnlyThen(bool accessLog, bool tracing, Type expected)
    {
        var config = new ProxyRotatorConfig
        {
            AccessLog = new AccessLogOptions { Enabled = accessLog, Destination = AccessLogDestination.Stdout },
            Tracing = new TracingOptions { Enabled = tracing },
        };
        var services = new ServiceCollection();
        services.AddSingleton<IRequestCompletionSink, NoRequestCompletionSink>();

        services.AddProxyRotatorObservability(config);

        ServiceDescriptor sink = Assert.Single(services, d => d.ServiceType == typeof(IRequestCompletionSink));
        Assert.Equal(expected, sink.ImplementationType);
    }
}
