using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Health.Lifecycle;

/// <summary>
/// The status machine of an upstream, pure and clock-free (the caller passes <c>now</c>):
/// <list type="bullet">
/// <item>pending → active on the first successful probe; pending/active → quarantined after
/// <see cref="HealthCheckOptions.QuarantineAfterFailures"/> consecutive failed probes;</item>
/// <item>quarantined → active after <see cref="HealthCheckOptions.ReviveAfterSuccesses"/> consecutive successes,
/// re-checked with <see cref="QuarantineBackoff"/> meanwhile;</item>
/// <item>quarantined → retired after <see cref="HealthCheckOptions.RetireAfter"/> in quarantine or
/// <see cref="HealthCheckOptions.RetireAfterFailedRechecks"/> failed re-checks;</item>
/// <item>retired is final here (a provider or the operator may add the upstream again).</item>
/// </list>
/// </summary>
public sealed class UpstreamLifecycle
{
    private readonly HealthCheckOptions _options;
    private readonly QuarantineBackoff _backoff;

    public UpstreamLifecycle(HealthCheckOptions options, QuarantineBackoff backoff)
    {
        _options = options;
        _backoff = backoff;
    }

    /// <summary>The state of an upstream that has never been checked.</summary>
    public static HealthState Initial(DateTimeOffset now) => new(UpstreamStatus.Pending, now, 0, 0, 0, null);

    /// <summary>Whether a probe is due: retired never, everything else once <see cref="HealthState.NextCheckAt"/> has passed.</summary>
    public static bool IsDue(in HealthState state, DateTimeOffset now) =>
        state.Status != UpstreamStatus.Retired && (state.NextCheckAt is null || state.NextCheckAt <= now);

    /// <summary>Applies one probe result.</summary>
    /// <param name="error">A short description of the failure (no credentials), used in the transition reason.</param>
    public LifecycleStep ApplyProbe(in HealthState state, bool success, DateTimeOffset now, string? error = null) =>
        success ? OnSuccess(state, now) : OnFailure(state, now, error);

    /// <summary>
    /// Quarantines an active or pending upstream at once because live traffic saw a burst of upstream faults;
    /// quarantined and retired upstreams are left as they are.
    /// </summary>
    public LifecycleStep ApplyLiveFaultBurst(in HealthState state, int consecutiveLiveFaults, DateTimeOffset now)
    {
        if (state.Status is UpstreamStatus.Quarantined or UpstreamStatus.Retired)
        {
            return new LifecycleStep(state, null);
        }

        return Quarantine(state, now, $"{consecutiveLiveFaults} consecutive upstream faults in live traffic");
    }

    private LifecycleStep OnSuccess(in HealthState state, DateTimeOffset now)
    {
        HealthState next = state with
        {
            ConsecutiveFailures = 0,
            ConsecutiveSuccesses = state.ConsecutiveSuccesses + 1,
            NextCheckAt = now + _options.Interval,
        };

        switch (state.Status)
        {
            case UpstreamStatus.Pending:
                return Move(next with { FailedRechecks = 0 }, UpstreamStatus.Active, now, "first successful probe");
            case UpstreamStatus.Quarantined when next.ConsecutiveSuccesses >= Math.Max(1, _options.ReviveAfterSuccesses):
                return Move(next with { FailedRechecks = 0 }, UpstreamStatus.Active, now,
                    $"recovered: {next.ConsecutiveSuccesses} consecutive successful re-checks");
            case UpstreamStatus.Retired:
                return new LifecycleStep(state, null);
            default:
                // Active stays active; a quarantined upstream that is not yet revived is re-checked at the normal
                // interval (not its back-off) so that recovery is confirmed quickly.
                return new LifecycleStep(next, null);
        }
    }

    private LifecycleStep OnFailure(in HealthState state, DateTimeOffset now, string? error)
    {
        HealthState next = state with
        {
            ConsecutiveFailures = state.ConsecutiveFailures + 1,
            ConsecutiveSuccesses = 0,
        };
        string cause = string.IsNullOrEmpty(error) ? string.Empty : $" (last: {error})";

        switch (state.Status)
        {
            case UpstreamStatus.Pending:
            case UpstreamStatus.Active:
                if (next.ConsecutiveFailures >= Math.Max(1, _options.QuarantineAfterFailures))
                {
                    return Quarantine(next, now, $"{next.ConsecutiveFailures} consecutive failed probes{cause}");
                }

                return new LifecycleStep(next with { NextCheckAt = now + _options.Interval }, null);

            case UpstreamStatus.Quarantined:
                next = next with { FailedRechecks = state.FailedRechecks + 1 };
                if (_options.RetireAfterFailedRechecks > 0 && next.FailedRechecks >= _options.RetireAfterFailedRechecks)
                {
                    return Move(next with { NextCheckAt = null }, UpstreamStatus.Retired, now,
                        $"{next.FailedRechecks} failed re-checks in quarantine{cause}");
                }

                if (_options.RetireAfter > TimeSpan.Zero && now - state.StatusChangedAt >= _options.RetireAfter)
                {
                    return Move(next with { NextCheckAt = null }, UpstreamStatus.Retired, now,
                        $"not recovered within {_options.RetireAfter} of quarantine{cause}");
                }

                return new LifecycleStep(next with { NextCheckAt = now + _backoff.Next(next.FailedRechecks) }, null);

            default:
                return new LifecycleStep(state, null);
        }
    }

    private LifecycleStep Quarantine(in HealthState state, DateTimeOffset now, string reason) =>
        Move(state with { FailedRechecks = 0, ConsecutiveSuccesses = 0, NextCheckAt = now + _backoff.Next(0) },
            UpstreamStatus.Quarantined, now, reason);

    private static LifecycleStep Move(in HealthState state, UpstreamStatus to, DateTimeOffset now, string reason) =>
        new(state with { Status = to, StatusChangedAt = now },
            new StatusTransition(state.Status, to, reason, now));
}
