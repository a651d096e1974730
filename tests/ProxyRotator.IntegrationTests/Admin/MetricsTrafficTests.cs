using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Admin;

/// <summary>/metrics counts real traffic: requests through the gateway move its counters (curl as the client).</summary>
public sealed class MetricsTrafficTests(MetricsTrafficTests.Fixture fixture) : IClassFixture<MetricsTrafficTests.Fixture>
{
    public sealed class Fixture : ProductWithWorld
    {
        protected override byte Subnet => 9;
    }

    [Fact]
    public async Task GatewayTraffic_MovesRequestFailureByteAndPickCounters()
    {
        using var admin = new HttpClient { BaseAddress = fixture.Product.AdminUri };
        IReadOnlyList<PrometheusTextParser.Sample> before = PrometheusTextParser.Parse(await admin.GetStringAsync("/metrics"));

        for (int i = 0; i < 4; i++)
        {
            CurlResult plain = await Curl.RunAsync(["-sS", "-x", fixture.Product.ProxyUrl(TestConfigs.User), fixture.OriginUrl("bytes/1000")]);
            Assert.Equal(0, plain.ExitCode);
        }

        for (int i = 0; i < 2; i++)
        {
            CurlResult tunnel = await Curl.RunAsync(["-sS", "-k", "-x", fixture.Product.ProxyUrl(TestConfigs.User), fixture.OriginHttpsUrl("bytes/1000")]);
            Assert.Equal(0, tunnel.ExitCode);
        }

        CurlResult impossible = await Curl.RunAsync(["-s", "-o", "/dev/null", "-x", fixture.Product.ProxyUrl(TestConfigs.User + "-country-br"), fixture.OriginUrl()]);
        Assert.Equal(0, impossible.ExitCode);

        // Refused before any dial: a CONNECT and a SOCKS5 client with the wrong password.
        CurlResult connectRefused = await Curl.RunAsync(["-s", "-k", "-x", fixture.Product.ProxyUrl(TestConfigs.User, "wrong"), fixture.OriginHttpsUrl()]);
        CurlResult socksRefused = await Curl.RunAsync(["-s", "-x", fixture.Product.ProxyUrl(TestConfigs.User, "wrong", "socks5h"), fixture.OriginUrl()]);
        Assert.NotEqual(0, connectRefused.ExitCode);
        Assert.NotEqual(0, socksRefused.ExitCode);

        // A tunnel is counted when it ends, which the gateway sees just after curl exits.
        IReadOnlyList<PrometheusTextParser.Sample> after = before;
        for (int wait = 0; wait < 300 && Delta(after, before, "proxyrotator_gateway_requests_total") < 9; wait++)
        {
            await Task.Delay(100);
            after = PrometheusTextParser.Parse(await admin.GetStringAsync("/metrics"));
        }

        Assert.Equal(9, Delta(after, before, "proxyrotator_gateway_requests_total"));
        Assert.Equal(3, Delta(after, before, "proxyrotator_gateway_request_failures_total"));
        Assert.Equal(1, Delta(after, before, "proxyrotator_gateway_failures_total", ("kind", "no-upstream")));
        Assert.Equal(2, Delta(after, before, "proxyrotator_gateway_failures_total", ("kind", "auth-required")));
        Assert.True(Delta(after, before, "proxyrotator_gateway_bytes_out_total") >= 6 * 1000, "bytes to clients were not counted");
        Assert.True(Delta(after, before, "proxyrotator_gateway_connections_total") >= 7, "connections were not counted");
        Assert.True(Delta(after, before, "proxyrotator_gateway_pick_duration_seconds_count") >= 6, "picks were not timed");
    }

    private static double Delta(
        IReadOnlyList<PrometheusTextParser.Sample> after, IReadOnlyList<PrometheusTextParser.Sample> before, string name, params (string Name, string Value)[] labels) =>
        Value(after, name, labels) - Value(before, name, labels);

    private static double Value(IReadOnlyList<PrometheusTextParser.Sample> samples, string name, params (string Name, string Value)[] labels) =>
        samples.Where(s => s.Name == name && s.Labels.Count == labels.Length && labels.All(l => s.Labels.TryGetValue(l.Name, out string? v) && v == l.Value))
            .Sum(s => s.Value);
}
