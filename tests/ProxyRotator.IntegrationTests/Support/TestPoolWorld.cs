using System.Net;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Simulation.Origin;
using ProxyRotator.Simulation.Upstreams;

namespace ProxyRotator.IntegrationTests.Support;

/// <summary>
/// A local world for product tests: simulated upstream proxies, each on its own loopback address and exiting
/// from it, tagged with a type and country, plus an IP-echo origin that shows which upstream carried a request.
/// </summary>
public sealed class TestPoolWorld : IAsyncDisposable
{
    public const string UpstreamUser = "up";
    public const string UpstreamPassword = "up-secret";

    private readonly List<WorldUpstream> _upstreams = [];

    private TestPoolWorld(IpEchoOrigin origin) => Origin = origin;

    public IpEchoOrigin Origin { get; }

    public IReadOnlyList<WorldUpstream> Upstreams => _upstreams;

    /// <summary>
    /// Starts one upstream per spec on 127.<paramref name="subnet"/>.x.1 addresses. Schemes alternate
    /// HTTP/SOCKS5 unless <paramref name="scheme"/> is given.
    /// </summary>
    public static async Task<TestPoolWorld> StartAsync(IReadOnlyList<UpstreamSpec> specs, byte subnet = 1, UpstreamScheme? scheme = null)
    {
        var world = new TestPoolWorld(await IpEchoOrigin.StartAsync());
        for (int i = 0; i < specs.Count; i++)
        {
            var address = new IPAddress(new byte[] { 127, subnet, (byte)(i / 250), (byte)(i % 250 + 1) });
            var proxy = SimulatedUpstreamProxy.Start(new SimulatedUpstreamOptions
            {
                ListenAddress = address,
                OutgoingAddress = address,
                Scheme = scheme ?? (i % 2 == 0 ? UpstreamScheme.Http : UpstreamScheme.Socks5),
                Username = UpstreamUser,
                Password = UpstreamPassword,
            });
            world._upstreams.Add(new WorldUpstream(proxy, specs[i]));
        }

        return world;
    }

    /// <summary>A spread of 20 upstreams: types and countries mixed, DE and mobile present more than once.</summary>
    public static IReadOnlyList<UpstreamSpec> Mixed(int count)
    {
        string[] countries = ["DE", "US", "FR", "DE", "GB"];
        UpstreamType[] types = [UpstreamType.Residential, UpstreamType.Datacenter, UpstreamType.Mobile, UpstreamType.Isp];
        return Enumerable.Range(0, count).Select(i => new UpstreamSpec(types[i % types.Length], countries[i % countries.Length])).ToArray();
    }

    /// <summary>The pools to put in the product's configuration: one pool per upstream type.</summary>
    public List<PoolOptions> ToPools() =>
        _upstreams.GroupBy(u => u.Spec.Type).Select(g => new PoolOptions
        {
            Name = "sim-" + g.Key.ToString().ToLowerInvariant(),
            Type = g.Key,
            Proxies = g.Select(u => new ProxyEntryOptions { Endpoint = u.Proxy.Endpoint, Country = u.Spec.Country, Type = u.Spec.Type }).ToList(),
        }).ToList();

    /// <summary>The upstream whose exit address is <paramref name="exitAddress"/>.</summary>
    public WorldUpstream ByExit(string exitAddress) => _upstreams.Single(u => u.Proxy.OutgoingAddress.ToString() == exitAddress);

    public async ValueTask DisposeAsync()
    {
        foreach (WorldUpstream upstream in _upstreams)
        {
            await upstream.Proxy.DisposeAsync();
        }

        await Origin.DisposeAsync();
    }
}
