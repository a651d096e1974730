using System.Net;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Simulation.Upstreams;

/// <summary>Settings of one <see cref="SimulatedUpstreamProxy"/>.</summary>
public sealed class SimulatedUpstreamOptions
{
    /// <summary>The address it listens on; also the source address of its outgoing connections.</summary>
    public IPAddress ListenAddress { get; set; } = IPAddress.Loopback;

    /// <summary>0 picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>The scheme it is declared with (its <see cref="SimulatedUpstreamProxy.Endpoint"/>).</summary>
    public UpstreamScheme Scheme { get; set; } = UpstreamScheme.Http;

    /// <summary>
    /// Serve both protocols, told apart by the first byte (0x05 is SOCKS5). When false, only
    /// <see cref="Scheme"/> is served and a client speaking the other protocol is disconnected.
    /// </summary>
    public bool AcceptBothSchemes { get; set; } = true;

    /// <summary>Null means no authentication is required.</summary>
    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>
    /// The source address of outgoing connections; null means <see cref="ListenAddress"/>. Targets of the other
    /// address family are reached from the system's default address.
    /// </summary>
    public IPAddress? OutgoingAddress { get; set; }

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public int MaxHeadBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Decides each HTTP request from its Basic credentials (username, password; null when absent) instead of the
    /// fixed <see cref="Username"/>/<see cref="Password"/>: a simulated backconnect gateway parses its vendor's syntax
    /// here and picks the exit address per request. HTTP only.
    /// </summary>
    internal Func<string?, string?, SimulatedAuthorization>? Authorizer { get; set; }

    /// <summary>
    /// With an <see cref="Authorizer"/>: the first request of a kept-alive connection decides its exit for every later
    /// request on it, whatever targeting those carry (a gateway that binds its peer to the client connection); later
    /// requests are still authorized, so a refusal still reaches them.
    /// </summary>
    internal bool BindsExitToConnection { get; set; }

    /// <summary>
    /// Answer SOCKS5 UDP ASSOCIATE (RFC 1928 §7): a relay socket on <see cref="ListenAddress"/>, datagrams sent on
    /// from the outgoing address. Off by default: the command is answered 0x07.
    /// </summary>
    public bool SupportsUdp { get; set; }

    /// <summary>After one direction of a tunnel ends, how long the other may go on before both are closed.</summary>
    public TimeSpan HalfCloseGrace { get; set; } = TimeSpan.FromSeconds(10);
}
