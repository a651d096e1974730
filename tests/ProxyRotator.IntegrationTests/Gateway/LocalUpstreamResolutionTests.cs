using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Security;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Simulation.World;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>
/// Issue 10 §2: the simulated upstreams live on loopback, so they are local; the gateway resolves target names
/// for them. A hosts-file style alias of 127.0.0.1 is served by a fake resolver (no /etc/hosts edits); with private
/// targets refused it must not reach the admin API or the gateway itself through any front end.
/// </summary>
public sealed class LocalUpstreamResolutionTests(LocalUpstreamResolutionTests.Fixture fixture) : IClassFixture<LocalUpstreamResolutionTests.Fixture>
{
    public const string LoopbackAlias = "vm-alias.test";
    public const string OriginAlias = "origin-alias.test";

    public sealed class Fixture : ProductWithWorld
    {
        protected override byte Subnet => 41;

        protected override int UpstreamCount => 4;

        protected override void ConfigureGateway(GatewayOptions gateway)
        {
            gateway.AllowPrivateTargets = false;
        }

        protected override void ConfigureServices(IServiceCollection services) =>
            services.Replace(ServiceDescriptor.Singleton<ITargetNameResolver>(new AliasResolver(new Dictionary<string, IPAddress>
            {
                [LoopbackAlias] = IPAddress.Loopback,
                [OriginAlias] = IPAddress.Parse(World.Origin.HttpUrl.Host),
            })));
    }

    private sealed class AliasResolver(Dictionary<string, IPAddress> names) : ITargetNameResolver
    {
        public Task<IPAddress[]> ResolveAsync(string name, CancellationToken cancellationToken) =>
            Task.FromResult(names.TryGetValue(name, out IPAddress? address) ? [address] : Array.Empty<IPAddress>());
    }

    private int AdminPort => fixture.Product.AdminUri.Port;

    [Fact]
    public async Task AbsoluteForm_AliasOfLoopbackToAdminMetrics_Refused403()
    {
        CurlResult result = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User), "-D", "-", $"http://{LoopbackAlias}:{AdminPort}/metrics"]);

        Assert.StartsWith("HTTP/1.1 403", result.Output);
        Assert.Contains("X-ProxyRotator-Error: target-forbidden", result.Output);
        Assert.DoesNotContain("proxyrotator_", result.Output);
    }

    [Fact]
    public async Task Connect_AliasOfLoopbackToGatewayPort_Refused403()
    {
        string response = await GatewayRawClient.ExchangeAsync(fixture.Product.GatewayEndpoint,
            $"CONNECT {LoopbackAlias}:{fixture.Product.GatewayEndpoint.Port} HTTP/1.1\r\nProxy-Authorization: {GatewayRawClient.Basic(TestConfigs.User, TestConfigs.Password)}\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 403", response);
        Assert.Contains("X-ProxyRotator-Error: target-forbidden", response);
    }

    [Fact]
    public async Task Socks5_AliasOfLoopbackToAdminPort_ReplyNotAllowed()
    {
        byte reply = await GatewayRawClient.Socks5ConnectDomainAsync(fixture.Product.GatewayEndpoint, TestConfigs.User, TestConfigs.Password, LoopbackAlias, AdminPort);

        Assert.Equal(0x02, reply);
    }

    [Fact]
    public async Task Connect_UnresolvableName_Answers502WithoutBlamingTheUpstream()
    {
        string response = await GatewayRawClient.ExchangeAsync(fixture.Product.GatewayEndpoint,
            $"CONNECT nonexistent.invalid:443 HTTP/1.1\r\nProxy-Authorization: {GatewayRawClient.Basic(TestConfigs.User, TestConfigs.Password)}\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 502", response);
        Assert.Contains("X-ProxyRotator-Error: ", response);
    }

    private SimulatedWorld World => fixture.World;
}
