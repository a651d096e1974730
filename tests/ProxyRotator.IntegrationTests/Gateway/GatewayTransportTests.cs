using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Gateway.HttpRelay;
using ProxyRotator.Gateway.Listening;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>
/// The gateway's own transport (issue 14 §3): CONNECT and SOCKS5 connections are served outside Kestrel and relayed
/// socket to socket; plaintext absolute-form http:// requests are served by the HTTP relay, outside Kestrel too.
/// </summary>
public sealed class GatewayTransportTests(GatewayTransportTests.Fixture fixture) : IClassFixture<GatewayTransportTests.Fixture>, IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    public sealed class Fixture : ProductWithWorld
    {
        protected override byte Subnet => 53;

        protected override int UpstreamCount => 4;
    }

    private GatewaySocketTransportFactory Transport =>
        fixture.Product.Services.GetServices<IConnectionListenerFactory>().OfType<GatewaySocketTransportFactory>().Single();

    [Fact]
    public void Services_GatewayTransport_IsTheOneKestrelAsksFirst()
    {
        // Kestrel tries the transports in reverse registration order.
        Assert.IsType<GatewaySocketTransportFactory>(fixture.Product.Services.GetServices<IConnectionListenerFactory>().Last());
    }

    [Fact]
    public async Task ConnectTunnel_IsServedOutsideKestrel()
    {
        long before = Transport.ConnectionsServedDirectly;

        CurlResult result = await Curl.RunAsync(["-sS", "-f", "-p", "-x", fixture.Product.ProxyUrl(TestConfigs.User), fixture.OriginUrl("bytes/100000")]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(100_000, result.Output.Length);
        Assert.Equal(before + 1, Transport.ConnectionsServedDirectly);
    }

    [Theory]
    [InlineData(0)] // the head and the tunnel's first request in one read of the listener's
    [InlineData(3000)] // past that read: the rest of the request still in the socket
    public async Task ConnectTunnel_RequestSentWithTheHeadInOneWrite_ReachesTheTarget(int padding)
    {
        long before = Transport.ConnectionsServedDirectly;
        Uri origin = fixture.World.Origin.HttpUrl;
        string target = $"{origin.Host}:{origin.Port}";

        string response = await GatewayRawClient.ExchangeAsync(fixture.Product.GatewayEndpoint,
            $"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nProxy-Authorization: {GatewayRawClient.Basic(TestConfigs.User, TestConfigs.Password)}\r\n\r\n"
            + $"GET /ip HTTP/1.1\r\nHost: {target}\r\nX-Padding: {new string('p', padding)}\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200", response);
        int tunnelled = response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        Assert.StartsWith("HTTP/1.1 200", response[tunnelled..]);
        Assert.Equal(before + 1, Transport.ConnectionsServedDirectly);
    }

    [Fact]
    public async Task Socks5Tunnel_IsServedOutsideKestrel()
    {
        long before = Transport.ConnectionsServedDirectly;

        CurlResult result = await Curl.RunAsync(["-sS", "-f", "-x", fixture.Product.ProxyUrl(TestConfigs.User, scheme: "socks5h"), fixture.OriginUrl("bytes/5000")]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(5000, result.Output.Length);
        Assert.Equal(before + 1, Transport.ConnectionsServedDirectly);
    }

    [Fact]
    public async Task AbsoluteForm_IsServedByTheHttpRelayOutsideKestrel()
    {
        long before = Transport.ConnectionsServedDirectly;
        long relayed = Relay.ConnectionsRelayed;

        CurlResult result = await Curl.RunAsync(["-sS", "-f", "-x", fixture.Product.ProxyUrl(TestConfigs.User), fixture.OriginUrl("bytes/5000")]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(5000, result.Output.Length);
        Assert.Equal(before, Transport.ConnectionsServedDirectly);
        Assert.True(Relay.ConnectionsRelayed > relayed);
    }

    private HttpRelayHandler Relay => fixture.Product.Services.GetRequiredService<HttpRelayHandler>();

    [Fact]
    public async Task AbsoluteForm_HttpRelayOff_HandedToKestrel()
    {
        await using ProductHost product = await ProductHost.StartAsync(
            TestConfigs.Create(_directory.File("relay-off.db"), [], gateway => gateway.HttpRelay = false));
        HttpRelayHandler relay = product.Services.GetRequiredService<HttpRelayHandler>();

        // No pool at all: the Kestrel front end answers 503 no-upstream itself, and the relay never saw the connection.
        CurlResult result = await Curl.RunAsync(["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-x", product.ProxyUrl(TestConfigs.User), "http://127.0.0.1:9/"]);

        Assert.Equal("503", result.Output);
        Assert.False(relay.Enabled);
        Assert.Equal(0, relay.ConnectionsRelayed);
    }
}
