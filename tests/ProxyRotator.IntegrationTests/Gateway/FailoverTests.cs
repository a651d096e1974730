using System.Globalization;
using ProxyRotator.Core.Configuration;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Simulation.Upstreams;
using ProxyRotator.Simulation.World;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>Failover: a quarter of the pool refusing and a few stalling, and every request still succeeds.</summary>
public sealed class FailoverTests(FailoverTests.Fixture fixture) : IClassFixture<FailoverTests.Fixture>
{
    private static readonly TimeSpan _connectTimeout = TimeSpan.FromSeconds(1);

    public sealed class Fixture : ProductWithWorld
    {
        protected override byte Subnet => 4;

        // 5 refusing + 2 stalling of 20: with 8 attempts a request always reaches a healthy upstream.
        protected override void ConfigureGateway(GatewayOptions gateway)
        {
            gateway.MaxAttempts = 8;
            gateway.ConnectTimeout = _connectTimeout;
            gateway.ResponseTimeout = _connectTimeout;
        }
    }

    [Fact]
    public async Task QuarterRefusingAndSomeStalling_500RequestsAllSucceed()
    {
        IReadOnlyList<SimulatedUpstream> upstreams = fixture.World.Upstreams;
        foreach (SimulatedUpstream refusing in upstreams.Take(5))
        {
            refusing.Proxy.Fault = SimulatedFault.Refuse;
        }

        foreach (SimulatedUpstream stalling in upstreams.Skip(5).Take(2))
        {
            stalling.Proxy.Fault = SimulatedFault.Stall;
        }

        try
        {
            var bad = upstreams.Take(7).Select(u => u.ExitAddress.ToString()).ToHashSet();
            // 300 absolute-form requests on 6 kept-alive connections, 100 CONNECT tunnels, 100 SOCKS5 connections.
            var batches = new List<Task<CurlResult>>();
            for (int i = 0; i < 6; i++)
            {
                batches.Add(Batch(["-x", fixture.Product.ProxyUrl(TestConfigs.User)], fixture.OriginUrl("ip"), 50));
            }

            for (int i = 0; i < 2; i++)
            {
                batches.Add(Batch(["-k", "--http1.1", "-H", "Connection: close", "-x", fixture.Product.ProxyUrl(TestConfigs.User)], fixture.OriginHttpsUrl("ip"), 50));
                batches.Add(Batch(["-H", "Connection: close", "-x", fixture.Product.ProxyUrl(TestConfigs.User, scheme: "socks5h")], fixture.OriginUrl("ip"), 50));
            }

            CurlResult[] results = await Task.WhenAll(batches);

            var lines = results.SelectMany(r => r.Lines).Select(l => l.Split('|')).ToArray();
            Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Error));
            Assert.Equal(500, lines.Length);
            Assert.All(lines, l => Assert.Equal("200", l[1]));
            Assert.All(lines, l => Assert.DoesNotContain(l[0], bad));

            // A stalled attempt is abandoned after the connect/response timeout: at most two stalls per request.
            double slowest = lines.Max(l => double.Parse(l[2], CultureInfo.InvariantCulture));
            Assert.True(slowest < 2 * _connectTimeout.TotalSeconds + 1.5, $"slowest request took {slowest}s");
        }
        finally
        {
            foreach (SimulatedUpstream upstream in upstreams)
            {
                upstream.Proxy.Fault = SimulatedFault.None;
            }
        }
    }

    [Fact]
    public async Task EveryUpstreamRefusing_Answers502()
    {
        string user = TestConfigs.User + "-country-gb";
        var gb = fixture.World.Upstreams.Where(u => u.Country == "GB").ToArray();
        foreach (SimulatedUpstream upstream in gb)
        {
            upstream.Proxy.Fault = SimulatedFault.Refuse;
        }

        try
        {
            CurlResult result = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(user), "-D", "-", "-o", "/dev/null", fixture.OriginUrl("ip")]);

            Assert.StartsWith("HTTP/1.1 502", result.Output);
            Assert.Contains("X-ProxyRotator-Error: upstream-failed", result.Output);
        }
        finally
        {
            foreach (SimulatedUpstream upstream in gb)
            {
                upstream.Proxy.Fault = SimulatedFault.None;
            }
        }
    }

    [Fact]
    public async Task UpstreamAnswering407Or502_IsFailedOver()
    {
        var de = fixture.World.Upstreams.Where(u => u.Country == "DE").ToArray();
        de[0].Proxy.Fault = SimulatedFault.Answer407;
        de[1].Proxy.Fault = SimulatedFault.Answer502;
        try
        {
            var args = new List<string> { "-x", fixture.Product.ProxyUrl(TestConfigs.User + "-country-de"), "-f", "--write-out", "\\n" };
            args.AddRange(Enumerable.Repeat(fixture.OriginUrl("ip"), 40));
            CurlResult result = await Curl.RunAsync(args);

            Assert.True(result.ExitCode == 0, result.Error);
            Assert.Equal(40, result.Lines.Count);
            Assert.DoesNotContain(de[0].ExitAddress.ToString(), result.Lines);
            Assert.DoesNotContain(de[1].ExitAddress.ToString(), result.Lines);
        }
        finally
        {
            de[0].Proxy.Fault = SimulatedFault.None;
            de[1].Proxy.Fault = SimulatedFault.None;
        }
    }

    private static Task<CurlResult> Batch(string[] options, string url, int count)
    {
        var args = new List<string>(options) { "--write-out", "|%{http_code}|%{time_total}\\n" };
        args.AddRange(Enumerable.Repeat(url, count));
        return Curl.RunAsync(args, TimeSpan.FromSeconds(120));
    }
}
