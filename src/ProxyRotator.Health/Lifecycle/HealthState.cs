using ProxyRotator.Core.Pool;

namespace ProxyRotator.Health.Lifecycle;

/// <summary>
/// The lifecycle facts of one upstream that decide its next status: the same fields the store keeps, so the
/// lifecycle can be unit-tested without a database.
/// </summary>
/// <param name="StatusChangedAt">When the current status began (for quarantine: when it was quarantined).</param>
/// <param name="FailedRechecks">Failed probes since the upstream entered quarantine.</param>
/// <param name="NextCheckAt">When the next probe is due; null means "now".</param>
public readonly record struct HealthState(
    UpstreamStatus Status,
    DateTimeOffset StatusChangedAt,
    int ConsecutiveFailures,
    int ConsecutiveSuccesses,
    int FailedRechecks,
    DateTimeOffset? NextCheckAt);
