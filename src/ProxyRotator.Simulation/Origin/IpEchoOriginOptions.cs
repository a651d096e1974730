using System.Net;

namespace ProxyRotator.Simulation.Origin;

/// <summary>Settings of an <see cref="IpEchoOrigin"/>.</summary>
public sealed class IpEchoOriginOptions
{
    public IPAddress ListenAddress { get; set; } = IPAddress.Loopback;

    /// <summary>0 picks a free port.</summary>
    public int HttpPort { get; set; }

    /// <summary>0 picks a free port.</summary>
    public int HttpsPort { get; set; }

    /// <summary>Largest body <c>/bytes/{n}</c> will send.</summary>
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
