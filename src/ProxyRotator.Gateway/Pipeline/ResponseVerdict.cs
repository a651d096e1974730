using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Upstreams;

namespace ProxyRotator.Gateway.Pipeline;

/// <summary>A forwarded answer held back as the upstream's own (default: passed through to the client).</summary>
internal readonly record struct ResponseVerdict(bool IsHeldBack, UpstreamOutcomeKind Kind, FailureEvidence Evidence, string? Reason)
{
    public static ResponseVerdict Hold(UpstreamOutcomeKind kind, FailureEvidence evidence, string? reason = null) => new(true, kind, evidence, reason);
}
