using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health.Probing;
using ProxyRotator.IntegrationTests.Simulation;
using ProxyRotator.Simulation.Upstreams;

namespace ProxyRotator.IntegrationTests.Health;

public sealed class UpstreamProbeTests(EchoOriginFixture fixture) : IClassFixture<EchoOriginFixture>
{
    private const string Password = "s3cr3t:pw";

    private UpstreamProbe CreateSut(string path = "", TimeSpan? timeout = null) => new(
        new HealthCheckOptions { Url = new Uri(fixture.Origin.HttpUrl, path).ToString(), Timeout = timeout ?? TimeSpan.FromSeconds(3) },
        TimeProvider.System,
        NullLogger<UpstreamProbe>.Instance);

    private static SimulatedUpstreamProxy Start(string address, UpstreamScheme scheme) => SimulatedUpstreamProxy.Start(new SimulatedUpstreamOptions
    {
        ListenAddress = IPAddress.Parse(address),
        Scheme = scheme,
        Username = "user",
        Password = Password,
    });

    [Theory]
    [InlineData(UpstreamScheme.Http, "", "127.0.4.1")]
    [InlineData(UpstreamScheme.Http, "json", "127.0.4.2")]
    [InlineData(UpstreamScheme.Socks5, "", "127.0.4.3")]
    [InlineData(UpstreamScheme.Socks5, "json", "127.0.4.4")]
    public async Task ProbeAsync_HealthyUpstream_ReportsItsExitAddress(UpstreamScheme scheme, string path, string address)
    {
        await using SimulatedUpstreamProxy proxy = Start(address, scheme);

        ProbeResult result = await CreateSut(path).ProbeAsync(proxy.Endpoint, CancellationToken.None);

        Assert.True(result.Success, result.Error);
        Assert.Equal(address, result.ExitIp);
        Assert.Equal(ProbeErrorKind.None, result.ErrorKind);
        Assert.True(result.Latency > TimeSpan.Zero);
    }

    [Fact]
    public async Task ProbeAsync_HttpsEchoThroughHttpUpstream_TunnelsWithCredentials()
    {
        await using SimulatedUpstreamProxy proxy = Start("127.0.4.5", UpstreamScheme.Http);
        // The echo's certificate is self-signed; a probe does not need to trust it to test the tunnel, so this test
        // only checks that the CONNECT with credentials got through (an auth failure would say ProxyAuthRejected).
        var sut = new UpstreamProbe(new HealthCheckOptions { Url = fixture.Origin.HttpsUrl.ToString(), Timeout = TimeSpan.FromSeconds(3) },
            TimeProvider.System, NullLogger<UpstreamProbe>.Instance);

        ProbeResult result = await sut.ProbeAsync(proxy.Endpoint, CancellationToken.None);

        Assert.NotEqual(ProbeErrorKind.ProxyAuthRejected, result.ErrorKind);
        Assert.Equal(1, proxy.RequestsServed);
    }

    [Theory]
    [InlineData(SimulatedFault.Refuse, ProbeErrorKind.ConnectRefused, UpstreamScheme.Http, "127.0.4.11")]
    [InlineData(SimulatedFault.Refuse, ProbeErrorKind.ConnectRefused, UpstreamScheme.Socks5, "127.0.4.12")]
    [InlineData(SimulatedFault.Stall, ProbeErrorKind.Timeout, UpstreamScheme.Http, "127.0.4.13")]
    [InlineData(SimulatedFault.Stall, ProbeErrorKind.Timeout, UpstreamScheme.Socks5, "127.0.4.14")]
    [InlineData(SimulatedFault.Answer407, ProbeErrorKind.ProxyAuthRejected, UpstreamScheme.Http, "127.0.4.15")]
    [InlineData(SimulatedFault.Answer407, ProbeErrorKind.ProxyAuthRejected, UpstreamScheme.Socks5, "127.0.4.16")]
    [InlineData(SimulatedFault.Answer502, ProbeErrorKind.UpstreamError, UpstreamScheme.Http, "127.0.4.17")]
    [InlineData(SimulatedFault.ResetMidResponse, ProbeErrorKind.ProtocolError, UpstreamScheme.Http, "127.0.4.18")]
    public async Task ProbeAsync_FaultyUpstream_ClassifiesTheFailureWithoutLeakingCredentials(
        SimulatedFault fault, ProbeErrorKind expected, UpstreamScheme scheme, string address)
    {
        await using SimulatedUpstreamProxy proxy = Start(address, scheme);
        proxy.Fault = fault;

        // A short timeout only where a timeout is the point; the others must fail for their own reason on a busy machine.
        TimeSpan timeout = fault == SimulatedFault.Stall ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromSeconds(10);
        ProbeResult result = await CreateSut(timeout: timeout).ProbeAsync(proxy.Endpoint, CancellationToken.None);

        Assert.False(result.Success);
        Assert.Equal(expected, result.ErrorKind);
        Assert.Null(result.ExitIp);
        Assert.False(string.IsNullOrEmpty(result.Error));
        Assert.DoesNotContain(Password, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(Password), result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_WrongPassword_ProxyAuthRejected()
    {
        await using SimulatedUpstreamProxy proxy = Start("127.0.4.19", UpstreamScheme.Http);

        ProbeResult result = await CreateSut().ProbeAsync(proxy.Endpoint with { Password = "wrong" }, CancellationToken.None);

        Assert.Equal(ProbeErrorKind.ProxyAuthRejected, result.ErrorKind);
    }

    [Fact]
    public async Task ProbeAsync_EchoAnswersNonIp_BadEchoBody()
    {
        await using SimulatedUpstreamProxy proxy = Start("127.0.4.20", UpstreamScheme.Http);

        ProbeResult result = await CreateSut("headers").ProbeAsync(proxy.Endpoint, CancellationToken.None);

        Assert.Equal(ProbeErrorKind.BadEchoBody, result.ErrorKind);
    }

    [Fact]
    public async Task ProbeAsync_CallerCancels_Throws()
    {
        await using SimulatedUpstreamProxy proxy = Start("127.0.4.21", UpstreamScheme.Http);
        proxy.Fault = SimulatedFault.Stall;
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CreateSut(timeout: TimeSpan.FromSeconds(10)).ProbeAsync(proxy.Endpoint, cts.Token));
    }
}
