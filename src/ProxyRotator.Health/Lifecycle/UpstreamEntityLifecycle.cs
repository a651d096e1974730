using ProxyRotator.Store.Entities;

namespace ProxyRotator.Health.Lifecycle;

/// <summary>Moves lifecycle state between a stored upstream row and the pure <see cref="UpstreamLifecycle"/>.</summary>
public static class UpstreamEntityLifecycle
{
    public static HealthState ToHealthState(this UpstreamEntity upstream)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        return new HealthState(upstream.Status, upstream.StatusChangedAt, upstream.ConsecutiveFailures,
            upstream.ConsecutiveSuccesses, upstream.FailedRechecks, upstream.NextCheckAt);
    }

    /// <summary>Writes the step's counters and schedule, and its status change through <see cref="UpstreamEntity.ChangeStatus"/> (which stores the transition).</summary>
    /// <returns>True when the status changed.</returns>
    public static bool Apply(this UpstreamEntity upstream, in LifecycleStep step)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        upstream.ConsecutiveFailures = step.State.ConsecutiveFailures;
        upstream.ConsecutiveSuccesses = step.State.ConsecutiveSuccesses;
        upstream.FailedRechecks = step.State.FailedRechecks;
        upstream.NextCheckAt = step.State.NextCheckAt;
        return step.Transition is { } t && upstream.ChangeStatus(t.To, t.Reason, t.At);
    }
}
