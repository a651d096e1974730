using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Simulation.Upstreams;
using ProxyRotator.Simulation.World;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>Sticky sessions: one exit across connections and restarts; flex rebinds, strict fails.</summary>
public sealed class StickySessionTests(StickySessionTests.Fixture fixture) : IClassFixture<StickySessionTests.Fixture>
{
    public sealed class Fixture : ProductWithWorld
    {
        protected override byte Subnet => 3;
    }

    [Fact]
    public async Task Session_KeepsOneExitOver50RequestsOnSeveralConnections_AndAfterRestart()
    {
        string user = TestConfigs.User + "-country-de-session-keep1-sesstime-30";
        var exits = new List<string>();
        for (int connection = 0; connection < 5; connection++)
        {
            exits.AddRange((await RequestsAsync(user, 10)).Exits);
        }

        Assert.Equal(50, exits.Count);
        Assert.Single(exits.Distinct());
        Assert.Equal("DE", fixture.ByExit(exits[0]).Country);

        await fixture.RestartProductAsync();
        var afterRestart = (await RequestsAsync(user, 5)).Exits;

        Assert.All(afterRestart, exit => Assert.Equal(exits[0], exit));
    }

    [Fact]
    public async Task Session_Connect_AnswersWithUpstreamAndSessionHeaders()
    {
        string user = TestConfigs.User + "-session-hdr1";
        CurlResult first = await Curl.RunAsync(["-k", "--http1.1", "-x", fixture.Product.ProxyUrl(user), "-v", fixture.OriginHttpsUrl("ip")]);
        CurlResult second = await Curl.RunAsync(["-k", "--http1.1", "-x", fixture.Product.ProxyUrl(user), "-v", fixture.OriginHttpsUrl("ip")]);

        Assert.Contains("X-ProxyRotator-Session: hdr1", first.Error);
        Assert.Contains("X-ProxyRotator-Upstream: ", first.Error);
        Assert.Equal(first.Output, second.Output);
    }

    [Fact]
    public async Task FlexSession_AfterItsUpstreamDies_MovesToAnotherDeUpstream()
    {
        string user = TestConfigs.User + "-country-de-session-flex1";
        string before = (await RequestsAsync(user, 1)).Exits[0];
        SimulatedUpstream dead = fixture.ByExit(before);
        dead.Proxy.Fault = SimulatedFault.Refuse;
        try
        {
            (IReadOnlyList<string> after, string headers) = await RequestsAsync(user, 5);

            Assert.All(after, exit => Assert.NotEqual(before, exit));
            Assert.Single(after.Distinct());
            Assert.Equal("DE", fixture.ByExit(after[0]).Country);
            Assert.Contains("X-ProxyRotator-Session: flex1", headers);
        }
        finally
        {
            dead.Proxy.Fault = SimulatedFault.None;
        }
    }

    [Fact]
    public async Task StrictSession_AfterItsUpstreamDies_Answers502AndKeepsTheExit()
    {
        string user = TestConfigs.User + "-country-de-session-strict1-sessmode-strict";
        string before = (await RequestsAsync(user, 1)).Exits[0];
        SimulatedUpstream dead = fixture.ByExit(before);
        dead.Proxy.Fault = SimulatedFault.Refuse;
        CurlResult failed;
        try
        {
            failed = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(user), "-D", "-", "-o", "/dev/null", fixture.OriginUrl("ip")]);
        }
        finally
        {
            dead.Proxy.Fault = SimulatedFault.None;
        }

        Assert.StartsWith("HTTP/1.1 502", failed.Output);
        Assert.Contains("X-ProxyRotator-Error: session-lost", failed.Output);
        Assert.Equal(before, (await RequestsAsync(user, 1)).Exits[0]);
    }

    private async Task<(IReadOnlyList<string> Exits, string Headers)> RequestsAsync(string username, int count)
    {
        var args = new List<string> { "-x", fixture.Product.ProxyUrl(username), "-f", "-D", "/dev/stderr", "--write-out", "\\n" };
        args.AddRange(Enumerable.Repeat(fixture.OriginUrl("ip"), count));
        CurlResult result = await Curl.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.Error);
        return (result.Lines, result.Error);
    }
}
