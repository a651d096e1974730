namespace ProxyRotator.Gateway.Security;

/// <summary>Why <see cref="TargetPolicy"/> refused a target (all answered 403 / SOCKS5 0x02).</summary>
public enum TargetRefusalReason
{
    None = 0,
    /// <summary>Port 0 or outside 1..65535.</summary>
    InvalidPort = 1,
    /// <summary>Empty or malformed host.</summary>
    InvalidHost = 2,
    /// <summary>127.0.0.0/8, ::1, <c>localhost</c>.</summary>
    Loopback = 3,
    /// <summary>RFC 1918, CGNAT 100.64.0.0/10, ULA fc00::/7, site-local fec0::/10, reserved 240.0.0.0/4.</summary>
    Private = 4,
    /// <summary>169.254.0.0/16 (cloud metadata lives here) and fe80::/10: refused even with private targets allowed.</summary>
    LinkLocal = 5,
    /// <summary>0.0.0.0/8 and ::.</summary>
    Unspecified = 6,
    Multicast = 7,
    /// <summary>255.255.255.255.</summary>
    Broadcast = 8,
    /// <summary>The gateway's own listener or the admin listener: a proxy loop. Never allowed.</summary>
    OwnEndpoint = 9,
    /// <summary>An outbound rule (<c>policy.outbound</c> or the account's) refused it; <see cref="TargetDecision.Detail"/> names the rule.</summary>
    OutboundRule = 10,
}
