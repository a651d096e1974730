namespace ProxyRotator.Core.Outcomes;

/// <summary>
/// How one use of an upstream ended, and whose fault it was. Only the <c>Upstream*</c> kinds are charged to
/// the upstream's health; client and target faults are not.
/// </summary>
public enum UpstreamOutcomeKind
{
    Success = 0,
    /// <summary>TCP connect to the upstream refused or reset.</summary>
    UpstreamConnectFailed = 1,
    /// <summary>Connect, handshake or first response byte did not arrive in time.</summary>
    UpstreamTimeout = 2,
    /// <summary>The upstream's CONNECT/SOCKS5 handshake failed or it answered garbage.</summary>
    UpstreamProtocolError = 3,
    /// <summary>The upstream rejected our credentials (407 / RFC 1929 failure).</summary>
    UpstreamAuthRejected = 4,
    /// <summary>The upstream answered 5xx of its own (e.g. 502 because it could not reach the target).</summary>
    UpstreamError = 5,
    /// <summary>The client went away; not the upstream's fault.</summary>
    ClientAborted = 6,
    /// <summary>The target refused or failed in a way every upstream would see (e.g. DNS failure reported by SOCKS5 0x04 is ambiguous; a 404 is success).</summary>
    TargetError = 7,
}
