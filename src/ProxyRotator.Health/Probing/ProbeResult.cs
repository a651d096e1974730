using ProxyRotator.Core.Outcomes;

namespace ProxyRotator.Health.Probing;

/// <summary>The outcome of one probe through one upstream. <see cref="Error"/> never contains credentials.</summary>
public sealed record ProbeResult(bool Success, TimeSpan Latency, string? ExitIp, ProbeErrorKind ErrorKind, string? Error)
{
    public static ProbeResult Succeeded(TimeSpan latency, string exitIp) => new(true, latency, exitIp, ProbeErrorKind.None, null);

    public static ProbeResult Failed(TimeSpan latency, ProbeErrorKind kind, string error) => new(false, latency, null, kind, error);

    /// <summary>The same outcome in the gateway's vocabulary, for scoring.</summary>
    public UpstreamOutcomeKind OutcomeKind => ErrorKind switch
    {
        ProbeErrorKind.None => UpstreamOutcomeKind.Success,
        ProbeErrorKind.ConnectRefused => UpstreamOutcomeKind.UpstreamConnectFailed,
        ProbeErrorKind.Timeout => UpstreamOutcomeKind.UpstreamTimeout,
        ProbeErrorKind.ProxyAuthRejected => UpstreamOutcomeKind.UpstreamAuthRejected,
        ProbeErrorKind.UpstreamError => UpstreamOutcomeKind.UpstreamError,
        _ => UpstreamOutcomeKind.UpstreamProtocolError,
    };
}
