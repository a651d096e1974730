using System.Net;
using System.Text;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Upstreams;
using ProxyRotator.Simulation.Origin;
using ProxyRotator.Simulation.Upstreams;

namespace ProxyRotator.UnitTests.Gateway.Upstreams;

/// <summary>
/// The connector and the invoker cache against the simulated upstreams the product's demo and integration tests
/// use: each exits from its own loopback address, which the IP-echo origin reports back.
/// </summary>
public sealed class UpstreamConnectorSimulatedWorldTests : IAsyncLifetime
{
    // Generous: a cold first connect on a busy CI machine can take longer than half a second.
    private static readonly GatewayOptions _options = new() { ConnectTimeout = TimeSpan.FromSeconds(10) };

    // Short, for the stall cases only, which must end in a timeout.
    private static readonly GatewayOptions _stallOptions = new() { ConnectTimeout = TimeSpan.FromMilliseconds(500) };
    private IpEchoOrigin _origin = null!;

    public async Task InitializeAsync() => _origin = await IpEchoOrigin.StartAsync();

    public async Task DisposeAsync() => await _origin.DisposeAsync();

    private static SimulatedUpstreamProxy StartUpstream(UpstreamScheme scheme, string exitAddress) => SimulatedUpstreamProxy.Start(new SimulatedUpstreamOptions
    {
        ListenAddress = IPAddress.Parse(exitAddress),
        Scheme = scheme,
        AcceptBothSchemes = false,
        Username = "sim",
        Password = "sim-pass",
    });

    private static UpstreamProxy AsUpstream(SimulatedUpstreamProxy proxy, string? password = null) => new()
    {
        Id = 1,
        PoolName = "sim",
        Endpoint = password is null ? proxy.Endpoint : proxy.Endpoint with { Password = password },
        Type = UpstreamType.Residential,
        Status = UpstreamStatus.Active,
    };

    [Theory]
    [InlineData(UpstreamScheme.Http, "127.0.1.71")]
    [InlineData(UpstreamScheme.Socks5, "127.0.1.72")]
    public async Task ConnectAsync_SimulatedUpstream_TunnelExitsFromItsAddress(UpstreamScheme scheme, string exitAddress)
    {
        await using SimulatedUpstreamProxy proxy = StartUpstream(scheme, exitAddress);
        var connector = new UpstreamConnector(_options, TimeProvider.System);

        await using UpstreamConnection tunnel = await connector.ConnectAsync(
            AsUpstream(proxy), _origin.HttpEndPoint.Address.ToString(), _origin.HttpEndPoint.Port, CancellationToken.None);
        await tunnel.Stream.WriteAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {_origin.HttpUrl.Authority}\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(tunnel.Stream);
        string response = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.EndsWith(exitAddress, response.TrimEnd(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(UpstreamScheme.Http, SimulatedFault.Refuse, UpstreamOutcomeKind.UpstreamConnectFailed)]
    [InlineData(UpstreamScheme.Socks5, SimulatedFault.Refuse, UpstreamOutcomeKind.UpstreamConnectFailed)]
    [InlineData(UpstreamScheme.Http, SimulatedFault.Stall, UpstreamOutcomeKind.UpstreamTimeout)]
    [InlineData(UpstreamScheme.Socks5, SimulatedFault.Stall, UpstreamOutcomeKind.UpstreamTimeout)]
    [InlineData(UpstreamScheme.Http, SimulatedFault.Answer407, UpstreamOutcomeKind.UpstreamAuthRejected)]
    [InlineData(UpstreamScheme.Socks5, SimulatedFault.Answer407, UpstreamOutcomeKind.UpstreamAuthRejected)]
    [InlineData(UpstreamScheme.Http, SimulatedFault.Answer502, UpstreamOutcomeKind.UpstreamError)]
    [InlineData(UpstreamScheme.Socks5, SimulatedFault.Answer502, UpstreamOutcomeKind.UpstreamError)]
    public async Task ConnectAsync_SimulatedFault_MappedOutcome(UpstreamScheme scheme, SimulatedFault fault, UpstreamOutcomeKind expected)
    {
        await using SimulatedUpstreamProxy proxy = StartUpstream(scheme, "127.0.1.73");
        UpstreamProxy upstream = AsUpstream(proxy);
        proxy.Fault = fault;
        var connector = new UpstreamConnector(fault == SimulatedFault.Stall ? _stallOptions : _options, TimeProvider.System);

        UpstreamConnectException ex = await Assert.ThrowsAsync<UpstreamConnectException>(async () =>
            await connector.ConnectAsync(upstream, "127.0.0.1", _origin.HttpEndPoint.Port, CancellationToken.None));

        Assert.Equal(expected, ex.Kind);
    }

    [Theory]
    [InlineData(UpstreamScheme.Http)]
    [InlineData(UpstreamScheme.Socks5)]
    public async Task ConnectAsync_SimulatedUpstreamWrongPassword_AuthRejected(UpstreamScheme scheme)
    {
        await using SimulatedUpstreamProxy proxy = StartUpstream(scheme, "127.0.1.74");
        var connector = new UpstreamConnector(_options, TimeProvider.System);

        UpstreamConnectException ex = await Assert.ThrowsAsync<UpstreamConnectException>(async () =>
            await connector.ConnectAsync(AsUpstream(proxy, password: "wrong"), "127.0.0.1", _origin.HttpEndPoint.Port, CancellationToken.None));

        Assert.Equal(UpstreamOutcomeKind.UpstreamAuthRejected, ex.Kind);
    }

    [Theory]
    [InlineData(UpstreamScheme.Http, "127.0.1.75")]
    [InlineData(UpstreamScheme.Socks5, "127.0.1.76")]
    public async Task InvokerCache_SimulatedUpstream_AbsoluteFormExitsFromItsAddress(UpstreamScheme scheme, string exitAddress)
    {
        await using SimulatedUpstreamProxy proxy = StartUpstream(scheme, exitAddress);
        using var cache = new UpstreamHttpInvokerCache(_options, TimeProvider.System);
        UpstreamHttpInvoker invoker = cache.Get(AsUpstream(proxy));

        for (int i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _origin.HttpUrl);
            if (invoker.ProxyAuthorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Proxy-Authorization", invoker.ProxyAuthorization);
            }

            using HttpResponseMessage response = await invoker.Invoker.SendAsync(request, CancellationToken.None);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(exitAddress, (await response.Content.ReadAsStringAsync()).Trim());
        }
    }
}
