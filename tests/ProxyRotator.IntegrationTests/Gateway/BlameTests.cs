using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Core.Pool;
using ProxyRotator.Gateway;
using ProxyRotator.Gateway.Pipeline;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Simulation.Upstreams;
using ProxyRotator.Simulation.World;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>
/// Blame by evidence (issue 10 §1): a target that does not resolve, and an origin's own error status, are the
/// target's. The client gets a truthful answer and no upstream is charged (no upstream fault reaches the outcome
/// sink, so neither score, live quarantine nor the metrics' upstream failure kinds move).
/// </summary>
public sealed class BlameTests(BlameTests.Fixture fixture) : IClassFixture<BlameTests.Fixture>
{
    public sealed class Fixture : ProductWithWorld
    {
        public RecordingCompletionSink Completed { get; } = new();

        protected override byte Subnet => 21;

        protected override void ConfigureServices(IServiceCollection services) =>
            services.AddSingleton<IRequestCompletionSink>(Completed);

        /// <summary>
        /// Forgets the target's recent failures (other tests here made the same origin fail within the memory's
        /// window), so a test starts from a target with none on record; returns <see cref="UpstreamFaults"/>.
        /// </summary>
        public long ForgetTargetFailures(string url)
        {
            var target = new Uri(url);
            Product.Services.GetRequiredService<TargetFailureMemory>().Forget(target.Host, target.Port);
            return UpstreamFaults();
        }

        /// <summary>
        /// Upstream faults (every <c>upstream-*</c> failure kind) counted so far; <c>upstream-failed</c>, a request's
        /// error code (the connection to its upstream broke), charges nobody by itself.
        /// </summary>
        public long UpstreamFaults() =>
            Product.Services.GetRequiredService<GatewayMetrics>().FailuresByKind
                .Where(p => p.Key.StartsWith("upstream-", StringComparison.Ordinal) && p.Key != GatewayErrorCode.UpstreamFailed).Sum(p => p.Value);
    }

    [Fact]
    public async Task AbsoluteForm_UnresolvableHostSixTimes_AnswersTargetUnreachableAndChargesNoUpstream()
    {
        long faultsBefore = fixture.UpstreamFaults();

        for (int i = 0; i < 6; i++)
        {
            CurlResult result = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User), "-D", "-", "-o", "/dev/null", "http://nonexistent.invalid/"]);

            Assert.StartsWith("HTTP/1.1 502", result.Output);
            Assert.Contains("X-ProxyRotator-Error: target-unreachable", result.Output);
        }

        Assert.Equal(faultsBefore, fixture.UpstreamFaults());
        RequestSummary[] summaries = await fixture.Completed.WaitForAsync(s => s.TargetHost == "nonexistent.invalid", 6);
        Assert.Equal(6, summaries.Length);
        Assert.All(summaries, s => Assert.True(s.Attempts <= 2, $"{s.Attempts} attempts"));
        // Once two upstreams failed on it, the target is known to fail: one attempt each.
        Assert.All(summaries.Skip(1), s => Assert.Equal(1, s.Attempts));
    }

    [Fact]
    public async Task Connect_UnresolvableHostFiveTimes_AnswersTargetUnreachableAndChargesNoUpstream()
    {
        long faultsBefore = fixture.UpstreamFaults();

        for (int i = 0; i < 5; i++)
        {
            CurlResult result = await Curl.RunAsync(["-k", "-v", "-x", fixture.Product.ProxyUrl(TestConfigs.User), "https://nonexistent-host.invalid/"]);

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("< HTTP/1.1 502", result.Error);
            Assert.Contains("X-ProxyRotator-Error: target-unreachable", result.Error);
        }

        Assert.Equal(faultsBefore, fixture.UpstreamFaults());
        RequestSummary[] summaries = await fixture.Completed.WaitForAsync(s => s.TargetHost == "nonexistent-host.invalid", 5);
        Assert.All(summaries, s => Assert.True(s.Attempts <= 2, $"{s.Attempts} attempts"));
    }

    [Fact]
    public async Task Socks5_UnresolvableHostFiveTimes_AnswersHostUnreachableAndChargesNoUpstream()
    {
        long faultsBefore = fixture.UpstreamFaults();

        for (int i = 0; i < 5; i++)
        {
            CurlResult result = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User, scheme: "socks5h"), "http://socks-nonexistent.invalid/"]);

            Assert.NotEqual(0, result.ExitCode);
        }

        Assert.Equal(faultsBefore, fixture.UpstreamFaults());
        RequestSummary[] summaries = await fixture.Completed.WaitForAsync(s => s.TargetHost == "socks-nonexistent.invalid", 5);
        Assert.Equal(5, summaries.Length);
        Assert.All(summaries, s => Assert.Equal((byte)0x04, s.SocksReply));
        Assert.All(summaries, s => Assert.Equal("target-unreachable", s.ErrorCode));
    }

    [Fact]
    public async Task Origin503_SixTimes_PassesThroughUnchangedAndChargesNoUpstream()
    {
        long faultsBefore = fixture.UpstreamFaults();

        for (int i = 0; i < 6; i++)
        {
            CurlResult result = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User), "-D", "-", fixture.OriginUrl("status/503")]);

            Assert.True(result.Output.StartsWith("HTTP/1.1 503", StringComparison.Ordinal), result.Output);
            Assert.DoesNotContain("X-ProxyRotator-Error", result.Output);
            Assert.EndsWith("status 503", result.Output.TrimEnd());
        }

        Assert.Equal(faultsBefore, fixture.UpstreamFaults());
    }

    [Fact]
    public async Task Origin407_PassesThroughAndChargesNoUpstream()
    {
        long faultsBefore = fixture.UpstreamFaults();

        for (int i = 0; i < 4; i++)
        {
            CurlResult result = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User), "-D", "-", fixture.OriginUrl("status/407")]);

            Assert.StartsWith("HTTP/1.1 407", result.Output);
            Assert.DoesNotContain("X-ProxyRotator-Error", result.Output);
            Assert.EndsWith("status 407", result.Output.TrimEnd());
        }

        Assert.Equal(faultsBefore, fixture.UpstreamFaults());
    }

    [Theory]
    [InlineData(407)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task OriginPosingAsTheUpstreamsOwnError_SixTimes_PassesThroughAndChargesNoUpstream(int status)
    {
        // The origin writes what a proxy writes on its own errors (X-Squid-Error, Proxy-Status error=, a challenge on a
        // 407): charged on that alone, any site could get every upstream that carries a request to it quarantined.
        long faultsBefore = fixture.ForgetTargetFailures(fixture.OriginUrl());

        for (int i = 0; i < 6; i++)
        {
            CurlResult result = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User), "-D", "-", fixture.OriginUrl($"posing/{status}")]);

            Assert.True(result.Output.StartsWith($"HTTP/1.1 {status}", StringComparison.Ordinal), result.Output);
            Assert.DoesNotContain("X-ProxyRotator-Error", result.Output);
            Assert.EndsWith($"posing {status}", result.Output.TrimEnd());
        }

        Assert.Equal(faultsBefore, fixture.UpstreamFaults());
    }

    [Fact]
    public async Task OriginNeverAnswering_AnswersTargetUnreachableAndChargesNoUpstream()
    {
        // A tarpit (or a site that is merely that slow): every upstream carrying a request to it times out waiting.
        // Charged for that, each one would be quarantined by any site that holds its connections open.
        long faultsBefore = fixture.ForgetTargetFailures(fixture.OriginUrl());

        CurlResult result = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User), "-D", "-", fixture.OriginUrl("stall/60")], TimeSpan.FromSeconds(60));

        Assert.True(result.Output.StartsWith("HTTP/1.1 502", StringComparison.Ordinal), result.Output);
        Assert.Contains("X-ProxyRotator-Error: target-unreachable", result.Output);
        Assert.Equal(faultsBefore, fixture.UpstreamFaults());
    }

    [Fact]
    public async Task PostToAnOriginNeverAnswering_Answers504AndChargesNoUpstream()
    {
        // A body larger than the relay keeps for a resend (16 KB) cannot be sent again, so no second upstream can be
        // asked: the client hears what happened, and nobody is blamed for it.
        long faultsBefore = fixture.ForgetTargetFailures(fixture.OriginUrl());

        CurlResult result = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User), "-D", "-", "--data", "a=" + new string('x', 64 * 1024), fixture.OriginUrl("stall/60")], TimeSpan.FromSeconds(30));

        Assert.True(result.Output.StartsWith("HTTP/1.1 504", StringComparison.Ordinal), result.Output);
        Assert.Contains("X-ProxyRotator-Error: upstream-timeout", result.Output);
        // FailuresByKind counts the request's own error code (upstream-timeout) beside its attempts' kinds: that one, and no attempt.
        Assert.Equal(faultsBefore + 1, fixture.UpstreamFaults());
    }

    [Fact]
    public async Task Origin503_OverHttps_PassesThroughUnchanged()
    {
        long faultsBefore = fixture.UpstreamFaults();

        CurlResult result = await Curl.RunAsync(["-k", "--http1.1", "-x", fixture.Product.ProxyUrl(TestConfigs.User), "-D", "-", fixture.OriginHttpsUrl("status/503")]);

        Assert.Contains("HTTP/1.1 503", result.Output);
        Assert.Equal(faultsBefore, fixture.UpstreamFaults());
    }

    [Fact]
    public async Task UpstreamFailingWhereOthersServe_IsChargedAfterTheOtherServes()
    {
        // A SOCKS5 general failure (0x01) could be either side's: the next upstream serving the target settles it.
        (long tried, long charged) = await OneBrokenAmongServingAsync(
            UpstreamScheme.Socks5, SimulatedFault.Answer502, ["-k", "--http1.1", "-H", "Connection: close"], fixture.OriginHttpsUrl("ip"), fixture.UpstreamFaults);

        Assert.Equal(tried, charged);
    }

    [Fact]
    public async Task UpstreamRefusingOurCredentials_IsChargedOnceAnotherServesTheTarget()
    {
        // Its own 407 (a challenge, no Via) is only a claim until another upstream serves the same target: then it is charged as auth-rejected.
        GatewayMetrics metrics = fixture.Product.Services.GetRequiredService<GatewayMetrics>();
        (long tried, long charged) = await OneBrokenAmongServingAsync(
            UpstreamScheme.Http, SimulatedFault.Answer407, [], fixture.OriginUrl("ip"),
            () => metrics.FailuresByKind.Where(p => p.Key == "upstream-auth-rejected").Sum(p => p.Value));

        Assert.Equal(tried, charged);
    }

    /// <summary>
    /// One German upstream of the scheme answers with the fault while 48 requests pinned to Germany go to the target
    /// (the others serve them): how many attempts the broken one got, and how far <paramref name="charges"/> moved.
    /// </summary>
    private async Task<(long Tried, long Charged)> OneBrokenAmongServingAsync(
        UpstreamScheme scheme, SimulatedFault fault, string[] curlOptions, string url, Func<long> charges)
    {
        SimulatedUpstream broken = fixture.World.Upstreams.First(u => u.Country == "DE" && u.Scheme == scheme);
        UpstreamProxy upstream = fixture.Product.Services.GetRequiredService<IPoolSnapshotSource>().Current.All
            .Single(u => u.Endpoint.Host == broken.Endpoint.Host && u.Endpoint.Port == broken.Endpoint.Port);
        GatewayMetrics metrics = fixture.Product.Services.GetRequiredService<GatewayMetrics>();
        fixture.ForgetTargetFailures(url);
        long chargesBefore = charges();
        long usesBefore = metrics.Upstreams.Where(p => p.Key == upstream.Id).Sum(p => p.Value.Requests);
        broken.Proxy.Fault = fault;
        try
        {
            var args = new List<string>(curlOptions) { "-f", "-x", fixture.Product.ProxyUrl(TestConfigs.User + "-country-de"), "--write-out", "\\n" };
            args.AddRange(Enumerable.Repeat(url, 48));
            CurlResult result = await Curl.RunAsync(args);

            Assert.True(result.ExitCode == 0, result.Error);
            Assert.Equal(48, result.Lines.Count);
            Assert.DoesNotContain(broken.ExitAddress.ToString(), result.Lines);
            long tried = metrics.Upstreams.Where(p => p.Key == upstream.Id).Sum(p => p.Value.Requests) - usesBefore;
            // (48, not 24: an upstream whose score dipped in an earlier test here can sit out a couple of dozen picks.)
            Assert.True(tried > 0, "the broken upstream was never picked");
            return (tried, charges() - chargesBefore);
        }
        finally
        {
            broken.Proxy.Fault = SimulatedFault.None;
        }
    }
}
