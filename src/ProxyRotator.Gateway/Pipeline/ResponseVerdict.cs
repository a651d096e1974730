using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Upstreams;

namespace ProxyRotator.Gateway.Pipeline;

/// <summary>A forwarded answer held back as the upstream's own (default: passed through to the client).</summary>
internal readonly record struct ResponseVerdict(bool IsHeldBack, UpstreamOutcomeKind Kind, FailureEvidence Evidence, string? Reason)
{
    public static ResponseVerdict Hold(UpstreamOutcomeKind kind, FailureEvidence evidence, string? reason = null) => new(true, kind, evidence, reason);

    /// <summary>
    /// A 407 to an absolute-form request, by evidence: the upstream refusing our credentials only when it looks like it
    /// wrote the answer itself — a <c>Proxy-Authenticate</c> challenge on an answer no hop marked as forwarded, or one its own error
    /// header names (Squid's <c>X-Squid-Error</c>, <c>Proxy-Status: …; error=</c>, a vendor's). A challenge on a forwarded
    /// answer (<c>Via</c>, which a proxy adds to what it forwards, RFC 9110 §7.6.3; <c>Proxy-Status</c> with
    /// <c>received-status</c>, RFC 9209) came from the origin through a working upstream: it passes through, nobody's fault.
    /// Either way the origin could have written it, so the refusal is only claimed (<see cref="FailureEvidence.UpstreamUnconfirmed"/>).
    /// </summary>
    /// <param name="challenged">The answer carries <c>Proxy-Authenticate</c>.</param>
    /// <param name="forwarded">A hop marked the answer as one it forwarded.</param>
    /// <param name="upstreamErrorHeader">An error header on the answer names the upstream itself.</param>
    public static ResponseVerdict ForProxyAuthenticationRequired(bool challenged, bool forwarded, bool upstreamErrorHeader) =>
        challenged && (!forwarded || upstreamErrorHeader) ? Hold(UpstreamOutcomeKind.UpstreamAuthRejected, FailureEvidence.UpstreamUnconfirmed) : default;
}
