using ProxyRotator.Core.Outcomes;

namespace ProxyRotator.Gateway.Upstreams;

/// <summary>
/// Opening a tunnel through an upstream failed. <see cref="Kind"/> says whose fault it was (only <c>Upstream*</c>
/// kinds count against the upstream and are worth a failover); <see cref="SocksReply"/> is what to answer a SOCKS5
/// client. The message never contains credentials.
/// </summary>
public sealed class UpstreamConnectException : Exception
{
    public UpstreamConnectException(
        UpstreamOutcomeKind kind,
        string message,
        Socks5ReplyCode socksReply,
        int? upstreamStatusCode = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        SocksReply = socksReply;
        UpstreamStatusCode = upstreamStatusCode;
    }

    public UpstreamOutcomeKind Kind { get; }

    /// <summary>
    /// The reply for a SOCKS5 client: a SOCKS5 upstream's own code where it sent one that concerns the target
    /// (0x02..0x06); 0x04 after a timeout; otherwise 0x05 (or 0x01 when the upstream broke the protocol).
    /// </summary>
    public Socks5ReplyCode SocksReply { get; }

    /// <summary>The status line code an HTTP upstream answered to CONNECT, when it answered one.</summary>
    public int? UpstreamStatusCode { get; }
}
