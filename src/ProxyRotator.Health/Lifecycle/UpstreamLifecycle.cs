using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Health.Lifecycle;

/// <summary>
/// The one place that decides and applies an upstream's status transitions: probe results, live traffic, operator
/// actions and other instances' decisions. A decision is applied to the upstream's in-memory
/// <see cref="UpstreamRuntimeState"/> at once (the selector sees it on its next pick, with no snapshot rebuild) and to
/// its stored row (<see cref="Commit"/>, transition history included), which the caller saves in its batch.
/// The decisions themselves are pure and clock-free (the caller passes <c>now</c>):
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
    private readonly UpstreamRuntimeStates _runtime;

    /// <param name="runtime">The runtime states decisions are applied to; a private empty registry when null (pure tests).</param>
    public UpstreamLifecycle(HealthCheckOptions options, QuarantineBackoff backoff, UpstreamRuntimeStates? runtime = null)
    {
        _options = options;
        _backoff = backoff;
        _runtime = runtime ?? new UpstreamRuntimeStates();
    }

    /// <summary>
    /// Writes a decided step to the stored row (counters, schedule, and the status change with its recorded
    /// transition) and the status to the runtime state at once. The caller saves the row (write-behind, in its batch).
    /// </summary>
    /// <returns>True when the row's status changed.</returns>
    public bool Commit(UpstreamEntity upstream, in LifecycleStep step)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        upstream.ConsecutiveFailures = step.State.ConsecutiveFailures;
        upstream.ConsecutiveSuccesses = step.State.ConsecutiveSuccesses;
        upstream.FailedRechecks = step.State.FailedRechecks;
        upstream.NextCheckAt = step.State.NextCheckAt;
        if (step.Transition is not { } transition)
        {
            return false;
        }

        ApplyToRuntime(upstream.Id, transition.To);
        return upstream.ChangeStatus(transition.To, transition.Reason, transition.At);
    }

    /// <summary>
    /// Live traffic saw a burst of upstream faults (<see cref="HealthCheckOptions.QuarantineAfterLiveFailures"/> in a
    /// row): quarantines an active or pending upstream in memory now, before anything is written (the stored row
    /// follows with <see cref="ApplyLiveFaultBurst(in HealthState, int, DateTimeOffset)"/> and <see cref="Commit"/>).
    /// </summary>
    /// <returns>True when the upstream was taken out of rotation by this call.</returns>
    public bool ApplyLiveFaultBurst(long upstreamId) =>
        _runtime.TryGet(upstreamId, out UpstreamRuntimeState? state) && state!.IsEligible
            && state.ChangeStatus(UpstreamStatus.Quarantined);

    /// <summary>
    /// An operator's action (admin API): retire, quarantine, or revive (quarantined or retired → pending, so it is
    /// probed again before it gets traffic ahead of active upstreams).
    /// </summary>
    public LifecycleStep ApplyOperator(in HealthState state, OperatorAction action, DateTimeOffset now)
    {
        switch (action)
        {
            case OperatorAction.Retire when state.Status != UpstreamStatus.Retired:
                return Move(state with { NextCheckAt = null }, UpstreamStatus.Retired, now, "retired by operator");
            case OperatorAction.Quarantine when state.Status is UpstreamStatus.Active or UpstreamStatus.Pending:
                return Move(state with { FailedRechecks = 0, ConsecutiveSuccesses = 0, NextCheckAt = now + _backoff.Next(0) },
                    UpstreamStatus.Quarantined, now, "quarantined by operator");
            case OperatorAction.Revive when state.Status is UpstreamStatus.Quarantined or UpstreamStatus.Retired:
                return Move(state with { ConsecutiveFailures = 0, ConsecutiveSuccesses = 0, FailedRechecks = 0, NextCheckAt = null },
                    UpstreamStatus.Pending, now, state.Status == UpstreamStatus.Retired ? "added again by operator" : "revived by operator");
            default:
                return new LifecycleStep(state, null);
        }
    }

    /// <summary>
    /// A status another instance decided and stored (multi-instance): applied to this process's runtime state as is,
    /// without deciding again. Returns true when the runtime status changed.
    /// </summary>
    public bool ApplyRemoteStatus(long upstreamId, UpstreamStatus status) => ApplyToRuntime(upstreamId, status);

    private bool ApplyToRuntime(long upstreamId, UpstreamStatus status) =>
        _runtime.TryGet(upstreamId, out UpstreamRuntimeState? state) && state!.ChangeStatus(status);

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
