namespace ProxyRotator.Core.Outcomes;

/// <summary>The result of one attempt through one upstream, reported by the gateway and by health probes.</summary>
public readonly record struct UpstreamOutcome(
    long UpstreamId,
    UpstreamOutcomeKind Kind,
    TimeSpan Latency,
    long BytesFromClient,
    long BytesToClient,
    bool IsProbe = false)
{
    public bool IsUpstreamFault => Kind is UpstreamOutcomeKind.UpstreamConnectFailed or UpstreamOutcomeKind.UpstreamTimeout
        or UpstreamOutcomeKind.UpstreamProtocolError or UpstreamOutcomeKind.UpstreamAuthRejected or UpstreamOutcomeKind.UpstreamError;
}
