using ProxyRotator.Core.Pool;
using ProxyRotator.Health.Probing;

namespace ProxyRotator.Health;

/// <summary>What one health check of one upstream found and changed; returned by <c>POST /api/checks</c> and <c>proxyrotator check</c>.</summary>
/// <param name="Upstream">The upstream's URL with the password masked.</param>
public sealed record HealthCheckOutcome(
    long UpstreamId,
    string Pool,
    string Upstream,
    bool Success,
    double? LatencyMs,
    string? ExitIp,
    ProbeErrorKind ErrorKind,
    string? Error,
    UpstreamStatus PreviousStatus,
    UpstreamStatus Status,
    double Score,
    string? VerifiedCountry,
    string? ConnectionType,
    DateTimeOffset CheckedAt)
{
    public bool StatusChanged => PreviousStatus != Status;
}
