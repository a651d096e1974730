using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Upstreams;

namespace ProxyRotator.Gateway.Pipeline;

/// <summary>How one attempt through one upstream ended, as an exchange reports it to the failover loop.</summary>
internal readonly record struct AttemptResult(
    UpstreamOutcomeKind Kind,
    FailureEvidence Evidence,
    TimeSpan Latency,
    long BytesFromClient = 0,
    long BytesToClient = 0,
    string? Reason = null,
    byte? SocksReply = null,
    bool Delivered = false,
    bool Repeatable = true)
{
    public bool IsSuccess => Kind == UpstreamOutcomeKind.Success;

    public static AttemptResult Succeeded(TimeSpan latency, long bytesFromClient = 0, long bytesToClient = 0) =>
        new(UpstreamOutcomeKind.Success, FailureEvidence.Upstream, latency, bytesFromClient, bytesToClient, Delivered: true);
}
