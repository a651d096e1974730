using ProxyRotator.Core.Outcomes;

namespace ProxyRotator.Core.Upstreams;

/// <summary>
/// Opening a tunnel through an upstream failed. <see cref="Kind"/> says what failed and <see cref="Evidence"/> whose
/// fault it looks like (<c>TargetError</c>: the upstream reported that the target failed); <see cref="SocksReply"/> is what to answer a SOCKS5
/// client. The message never contains credentials.
/// </summary>
public sealed class UpstreamConnectException : Exception
{
    public UpstreamConnectException(
        UpstreamOutcomeKind kind,
        string message,
        Socks5ReplyCode socksReply,
        int? upstreamStatusCode = null,
        Exception? innerException = null,
        FailureEvidence? evidence = null,
        string? reason = null)
        : base(message, innerException)
    {
        Kind = kind;
        SocksReply = socksReply;
        UpstreamStatusCode = upstreamStatusCode;
        Evidence = evidence ?? (kind == UpstreamOutcomeKind.TargetError ? FailureEvidence.Target : FailureEvidence.Upstream);
        Reason = reason;
    }

    /// <summary>Whose fault this one failure looks like (a second upstream settles <see cref="FailureEvidence.Unknown"/>).</summary>
    public FailureEvidence Evidence { get; }

    /// <summary>What the upstream said about the target (an error header's code), safe to show; null when it said nothing.</summary>
    public string? Reason { get; }

    public UpstreamOutcomeKind Kind { get; }

    /// <summary>
    /// The reply for a SOCKS5 client: a SOCKS5 upstream's own code where it sent one that concerns the target
    /// (0x02..0x06); 0x04 after a timeout; otherwise 0x05 (or 0x01 when the upstream broke the protocol).
    /// </summary>
    public Socks5ReplyCode SocksReply { get; }

    /// <summary>The status line code an HTTP upstream answered to CONNECT, when it answered one.</summary>
    public int? UpstreamStatusCode { get; }
}
