using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Upstreams;

namespace ProxyRotator.Gateway.Pipeline;

/// <summary>
/// A failed attempt not yet charged to anyone: charged to its upstream (as <see cref="Kind"/>) if another upstream
/// then serves the same target, or reported as the target's fault if another upstream fails on it too.
/// </summary>
internal readonly record struct PendingFailure(long UpstreamId, UpstreamOutcomeKind Kind, FailureEvidence Evidence, TimeSpan Latency, string? Reason, byte? SocksReply);
