using ProxyRotator.Store.Entities;

namespace ProxyRotator.Health.Lifecycle;

/// <summary>Reads the lifecycle state of a stored upstream row for the pure decisions of <see cref="UpstreamLifecycle"/>.</summary>
public static class UpstreamEntityLifecycle
{
    public static HealthState ToHealthState(this UpstreamEntity upstream)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        return new HealthState(upstream.Status, upstream.StatusChangedAt, upstream.ConsecutiveFailures,
            upstream.ConsecutiveSuccesses, upstream.FailedRechecks, upstream.NextCheckAt);
    }
}
