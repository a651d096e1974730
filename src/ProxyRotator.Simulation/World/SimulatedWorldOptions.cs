using System.Net;
using ProxyRotator.Core.Pool;
using ProxyRotator.Simulation.Origin;

namespace ProxyRotator.Simulation.World;

/// <summary>Settings of a <see cref="SimulatedWorld"/>: how many upstreams, where, and how they are tagged.</summary>
public sealed class SimulatedWorldOptions
{
    public int UpstreamCount { get; set; } = 24;

    /// <summary>The first upstream's address; the others follow (127.0.1.1, 127.0.1.2, ...). Must stay in 127.0.0.0/8.</summary>
    public IPAddress BaseAddress { get; set; } = IPAddress.Parse("127.0.1.1");

    /// <summary>Declared countries, assigned in blocks of <see cref="Types"/>.Count so each country gets every type.</summary>
    public IList<string> Countries { get; } = ["US", "DE", "GB", "FR", "JP", "BR"];

    /// <summary>Declared types, assigned round-robin.</summary>
    public IList<UpstreamType> Types { get; } = [UpstreamType.Residential, UpstreamType.Mobile, UpstreamType.Datacenter, UpstreamType.Isp];

    /// <summary>Schemes to mix; with both, http and socks5 alternate within each country.</summary>
    public IList<UpstreamScheme> Schemes { get; } = [UpstreamScheme.Http, UpstreamScheme.Socks5];

    /// <summary>Give each upstream its own username and password (on by default, as real providers do).</summary>
    public bool RequireCredentials { get; set; } = true;

    /// <summary>The pool name used by <see cref="SimulatedWorld.CreatePools"/>.</summary>
    public string PoolName { get; set; } = "simulated";

    /// <summary>Where the GeoIP databases are written; null makes a temporary folder that is deleted on dispose.</summary>
    public string? DataDirectory { get; set; }

    public TimeSpan UpstreamConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public IpEchoOriginOptions Origin { get; set; } = new();
}
