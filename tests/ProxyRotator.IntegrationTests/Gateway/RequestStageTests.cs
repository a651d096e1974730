using System.Net.Security;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Core.Upstreams;
using ProxyRotator.Gateway.Pipeline;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>
/// One pipeline for every protocol (issue 9 §3): a stage registered once in DI takes effect identically for HTTP
/// absolute-form, CONNECT and SOCKS5; and the one upstream client carries absolute-form <c>https://</c> requests
/// through authenticated HTTP upstreams (issue 9 §4).
/// </summary>
public sealed class RequestStageTests(RequestStageTests.Fixture fixture) : IClassFixture<RequestStageTests.Fixture>
{
    private const string RefusedHost = "refused.example";
    private const string FailingHost = "stage-bug.example";

    public sealed class Fixture : ProductWithWorld
    {
        public RecordingCompletionSink Completed { get; } = new();

        protected override byte Subnet => 22;

        protected override void ConfigureServices(IServiceCollection services)
        {
            services.AddSingleton<IRequestStage, RefuseOneHostStage>();
            services.AddSingleton<IRequestStage, ThrowForOneHostStage>();
            services.AddSingleton<IRequestCompletionSink>(Completed);

            // The simulated origin's certificate is self-signed: trust it for tunnelled https:// requests here.
            services.AddSingleton(provider => new UpstreamHttpInvokerCache(
                provider.GetRequiredService<ProxyRotator.Core.Configuration.ProxyRotatorConfig>().Gateway,
                provider.GetRequiredService<TimeProvider>(),
                connector: provider.GetRequiredService<UpstreamConnector>(),
                configureHandler: handler => handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = static (_, _, _, _) => true }));
        }
    }

    /// <summary>Refuses one host, as a quota or an outbound rule would.</summary>
    private sealed class RefuseOneHostStage : IRequestStage
    {
        public ValueTask<GatewayAnswer?> InvokeAsync(GatewayRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult<GatewayAnswer?>(request.TargetHost == RefusedHost
                ? new GatewayAnswer(403, "refused-by-stage", 0x02, "this host is refused by a test stage")
                : null);
    }

    /// <summary>A bug on the request path, as a stage that throws would be one.</summary>
    private sealed class ThrowForOneHostStage : IRequestStage
    {
        public ValueTask<GatewayAnswer?> InvokeAsync(GatewayRequest request, CancellationToken cancellationToken) =>
            request.TargetHost == FailingHost
                ? throw new InvalidDataException("a bug in a stage")
                : ValueTask.FromResult<GatewayAnswer?>(null);
    }

    [Fact]
    public async Task ThrowingStage_EveryProtocol_AnswersInternalErrorInsteadOfAnUnhandledException()
    {
        CurlResult http = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User), "-D", "-", $"http://{FailingHost}/"]);
        CurlResult connect = await Curl.RunAsync(["-k", "-v", "-x", fixture.Product.ProxyUrl(TestConfigs.User), $"https://{FailingHost}/"]);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using Simulation.RawProxyClient client = await Simulation.RawProxyClient.ConnectAsync(fixture.Product.GatewayEndpoint, cts.Token);
        int socksReply = await client.Socks5ConnectAsync(0x03, Simulation.RawProxyClient.DomainAddress(FailingHost), 80, TestConfigs.User, TestConfigs.Password, cts.Token);

        Assert.StartsWith("HTTP/1.1 502", http.Output);
        Assert.Contains("X-ProxyRotator-Error: internal-error", http.Output);
        Assert.Contains("< HTTP/1.1 502", connect.Error);
        Assert.Contains("X-ProxyRotator-Error: internal-error", connect.Error);
        Assert.Equal(0x01, socksReply);
    }

    [Fact]
    public async Task AddedStage_AbsoluteForm_RefusesWithItsAnswer()
    {
        CurlResult result = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User), "-D", "-", $"http://{RefusedHost}/"]);

        Assert.StartsWith("HTTP/1.1 403", result.Output);
        Assert.Contains("X-ProxyRotator-Error: refused-by-stage", result.Output);
        Assert.Contains("refused by a test stage", result.Output);
    }

    [Fact]
    public async Task AddedStage_Connect_RefusesWithItsAnswer()
    {
        CurlResult result = await Curl.RunAsync(["-k", "-v", "-x", fixture.Product.ProxyUrl(TestConfigs.User), $"https://{RefusedHost}/"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("< HTTP/1.1 403", result.Error);
        Assert.Contains("X-ProxyRotator-Error: refused-by-stage", result.Error);
    }

    [Fact]
    public async Task AddedStage_Socks5_RefusesWithItsReply()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using Simulation.RawProxyClient client = await Simulation.RawProxyClient.ConnectAsync(fixture.Product.GatewayEndpoint, cts.Token);

        int reply = await client.Socks5ConnectAsync(0x03, Simulation.RawProxyClient.DomainAddress(RefusedHost), 80, TestConfigs.User, TestConfigs.Password, cts.Token);

        Assert.Equal(0x02, reply);
        CurlResult result = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User, scheme: "socks5h"), $"http://{RefusedHost}/"]);
        Assert.NotEqual(0, result.ExitCode);
        RequestSummary[] refused = await fixture.Completed.WaitForAsync(s => s.TargetHost == RefusedHost && s.Protocol == GatewayProtocol.Socks5, 2);
        Assert.All(refused, s => Assert.Equal("refused-by-stage", s.ErrorCode));
        Assert.All(refused, s => Assert.Equal((byte)0x02, s.SocksReply));
    }

    [Fact]
    public async Task AddedStage_OtherTargets_AreServedByEveryProtocol()
    {
        CurlResult http = await Curl.RunAsync(["-f", "-x", fixture.Product.ProxyUrl(TestConfigs.User), fixture.OriginUrl("ip")]);
        CurlResult connect = await Curl.RunAsync(["-f", "-k", "-x", fixture.Product.ProxyUrl(TestConfigs.User), fixture.OriginHttpsUrl("ip")]);
        CurlResult socks = await Curl.RunAsync(["-f", "-x", fixture.Product.ProxyUrl(TestConfigs.User, scheme: "socks5h"), fixture.OriginUrl("ip")]);

        Assert.True(http.ExitCode == 0, http.Error);
        Assert.True(connect.ExitCode == 0, connect.Error);
        Assert.True(socks.ExitCode == 0, socks.Error);
        RequestSummary served = (await fixture.Completed.WaitForAsync(s => s.Protocol == GatewayProtocol.Socks5 && s.ErrorCode is null))[^1];
        Assert.Equal(TestConfigs.User, served.Account);
        Assert.NotNull(served.UpstreamId);
        Assert.True(served.BytesToClient > 0);
    }

    [Fact]
    public async Task AbsoluteFormHttps_ThroughAuthenticatedHttpUpstream_IsServed()
    {
        Uri https = new(fixture.OriginHttpsUrl("ip"));
        GatewayMetrics metrics = fixture.Product.Services.GetRequiredService<GatewayMetrics>();
        long rejectedBefore = AuthRejected(metrics);

        // curl sends "GET https://… HTTP/1.1" to the proxy itself (absolute-form), not a CONNECT. Half the simulated
        // upstreams are HTTP proxies that require credentials: before, each answered the handler's own CONNECT with 407.
        for (int i = 0; i < 12; i++)
        {
            CurlResult result = await Curl.RunAsync(["-f", "-x", fixture.Product.ProxyUrl(TestConfigs.User), "-H", $"Host: {https.Authority}",
                "--request-target", https.ToString(), fixture.OriginUrl("ip")]);

            Assert.True(result.ExitCode == 0, result.Error);
            Assert.Matches(@"^\d+\.\d+\.\d+\.\d+$", result.Output.Trim());
        }

        Assert.Equal(rejectedBefore, AuthRejected(metrics));
        RequestSummary[] served = await fixture.Completed.WaitForAsync(s => s.TargetHost == https.Host && s.TargetPort == https.Port && s.Protocol == GatewayProtocol.AbsoluteForm, 12);
        Assert.Equal(12, served.Length);
        Assert.All(served, s => Assert.Equal(1, s.Attempts));
        Assert.All(served, s => Assert.Equal(200, s.HttpStatus));
    }

    private static long AuthRejected(GatewayMetrics metrics) =>
        metrics.FailuresByKind.Where(p => p.Key == "upstream-auth-rejected").Sum(p => p.Value);
}
