namespace ProxyRotator.Simulation.Upstreams;

/// <summary>How a <see cref="SimulatedUpstreamProxy"/> misbehaves; switchable at runtime.</summary>
public enum SimulatedFault
{
    /// <summary>Serves normally.</summary>
    None = 0,

    /// <summary>The listener is closed, so connects are refused; existing connections are dropped.</summary>
    Refuse = 1,

    /// <summary>Connections are accepted but nothing is ever answered.</summary>
    Stall = 2,

    /// <summary>Part of the response (or the first bytes of a tunnel) is sent, then the connection is reset.</summary>
    ResetMidResponse = 3,

    /// <summary>Every request is rejected as unauthenticated: HTTP 407, SOCKS5 RFC 1929 failure.</summary>
    Answer407 = 4,

    /// <summary>
    /// Every request fails upstream: HTTP 502 with <c>Proxy-Status: …; error=proxy_internal_error</c> (the proxy's own
    /// fault, RFC 9209), SOCKS5 reply 0x01 (general failure).
    /// </summary>
    Answer502 = 5,
}
