using System.Net;

namespace ProxyRotator.Simulation.Backconnect;

/// <summary>Settings of one <see cref="SimulatedBackconnectGateway"/>.</summary>
public sealed class SimulatedBackconnectGatewayOptions
{
    public required ISimulatedVendorGrammar Grammar { get; init; }

    /// <summary>Where it listens (a free port is picked). The simulated world's upstreams use 127.0.1.x.</summary>
    public IPAddress ListenAddress { get; set; } = IPAddress.Parse("127.0.20.1");

    /// <summary>
    /// The second octet of its exit addresses: an exit is <c>127.{ExitNetwork}.{country}.{host}</c>, where country is
    /// the 1-based position in <see cref="Countries"/>. Give each gateway its own value (20, 21, ...) so that an
    /// exit names its vendor too.
    /// </summary>
    public byte ExitNetwork { get; set; } = 20;

    /// <summary>The countries it has exits in (upper-case ISO codes), at most 254.</summary>
    public IReadOnlyList<string> Countries { get; set; } = ["US", "DE", "GB", "FR", "BR", "JP"];

    /// <summary>Exit addresses per country (1..254); rotation walks through them.</summary>
    public int ExitsPerCountry { get; set; } = 16;

    /// <summary>
    /// The first request of a kept-alive client connection chooses the exit for every later request on it, whatever
    /// credentials those carry, as gateways that bind their peer to the connection do. Off by default.
    /// </summary>
    public bool BindsExitToConnection { get; set; }

    /// <summary>The clock for session lifetimes (a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
