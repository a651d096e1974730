using System.Net;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Simulation.GeoIp;
using ProxyRotator.Simulation.Upstreams;

namespace ProxyRotator.Simulation.World;

/// <summary>One upstream of a <see cref="SimulatedWorld"/>: the running proxy and what it is declared to be.</summary>
public sealed record SimulatedUpstream(int Index, SimulatedUpstreamProxy Proxy, UpstreamType Type, string Country, string City)
{
    /// <summary>e.g. <c>sim-03-us-isp</c>.</summary>
    public string Name => $"sim-{Index:D2}-{Country.ToLowerInvariant()}-{Type.ToString().ToLowerInvariant()}";

    /// <summary>URL with credentials (masked by <c>ToString</c>, full by <c>ToUri</c>).</summary>
    public UpstreamEndpoint Endpoint => Proxy.Endpoint;

    public UpstreamScheme Scheme => Proxy.Scheme;

    /// <summary>The address an IP-echo origin reports for requests through this upstream.</summary>
    public IPAddress ExitAddress => Proxy.OutgoingAddress;

    /// <summary>The GeoIP2 connection type that matches the declared type.</summary>
    public string ConnectionType => ConnectionTypeOf(Type);

    public ProxyEntryOptions ToProxyEntry() => new()
    {
        Endpoint = Endpoint,
        Type = Type,
        Country = Country,
        City = City,
    };

    /// <summary>Residential and ISP → Cable/DSL, mobile → Cellular, datacenter → Corporate.</summary>
    public static string ConnectionTypeOf(UpstreamType type) => type switch
    {
        UpstreamType.Mobile => GeoIpRecords.Cellular,
        UpstreamType.Datacenter => GeoIpRecords.Corporate,
        _ => GeoIpRecords.CableDsl,
    };
}
