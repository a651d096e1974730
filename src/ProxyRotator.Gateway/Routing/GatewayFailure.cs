namespace ProxyRotator.Gateway.Routing;

/// <summary>Why the gateway could not serve a request; each maps to one answer of design §3.</summary>
public enum GatewayFailure
{
    None = 0,
    /// <summary>Nothing in the pool matches the targeting: 503 / SOCKS 0x03.</summary>
    NoUpstream,
    /// <summary>Every attempt failed, or the upstream refused: 502 / SOCKS 0x05.</summary>
    UpstreamFailed,
    /// <summary>The (last) upstream did not connect or answer in time: 504 / SOCKS 0x04.</summary>
    UpstreamTimeout,
    /// <summary>A strict sticky session's upstream failed or left the pool: 502, the exit never changes.</summary>
    SessionLost,
    /// <summary>The upstream could not reach the target (every upstream would see it): 502 / the upstream's SOCKS reply.</summary>
    TargetUnreachable,
    /// <summary>A new sticky session would exceed <c>sessions.maxPerAccount</c> or <c>sessions.maxTotal</c>: 429 / SOCKS 0x02.</summary>
    SessionLimit,
}
