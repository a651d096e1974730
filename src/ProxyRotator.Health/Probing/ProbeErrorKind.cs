namespace ProxyRotator.Health.Probing;

/// <summary>Why a probe through an upstream failed. Every kind is the upstream's fault (or its route's).</summary>
public enum ProbeErrorKind
{
    None = 0,
    /// <summary>The upstream refused or reset the TCP connection.</summary>
    ConnectRefused = 1,
    /// <summary>No complete answer within <c>healthCheck.timeout</c>.</summary>
    Timeout = 2,
    /// <summary>The upstream rejected our credentials (HTTP 407 or a SOCKS5 authentication failure).</summary>
    ProxyAuthRejected = 3,
    /// <summary>The upstream answered 5xx itself (e.g. 502: it could not reach the echo URL).</summary>
    UpstreamError = 4,
    /// <summary>The upstream broke the proxy protocol (bad SOCKS5 reply, dropped connection mid-answer, ...).</summary>
    ProtocolError = 5,
    /// <summary>An answer arrived but its status or body is not an IP echo.</summary>
    BadEchoBody = 6,
}
