using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health.Lifecycle;

namespace ProxyRotator.UnitTests.Health.Lifecycle;

public class UpstreamLifecycleTests
{
    private static readonly DateTimeOffset _t0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static HealthCheckOptions Options() => new()
    {
        Interval = TimeSpan.FromMinutes(1),
        QuarantineAfterFailures = 3,
        ReviveAfterSuccesses = 2,
        RetireAfter = TimeSpan.FromHours(6),
        RetireAfterFailedRechecks = 5,
        MaxBackoff = TimeSpan.FromMinutes(30),
    };

    private static UpstreamLifecycle CreateSut(HealthCheckOptions? options = null)
    {
        options ??= Options();
        return new UpstreamLifecycle(options, new QuarantineBackoff(options, new Random(7)));
    }

    private static HealthState State(UpstreamStatus status, int failures = 0, int successes = 0, int rechecks = 0, DateTimeOffset? since = null) =>
        new(status, since ?? _t0, failures, successes, rechecks, null);

    [Fact]
    public void ApplyProbe_PendingSucceeds_BecomesActiveWithReason()
    {
        LifecycleStep step = CreateSut().ApplyProbe(UpstreamLifecycle.Initial(_t0), true, _t0);

        Assert.Equal(UpstreamStatus.Active, step.State.Status);
        Assert.NotNull(step.Transition);
        Assert.Equal(UpstreamStatus.Pending, step.Transition!.From);
        Assert.Equal(UpstreamStatus.Active, step.Transition.To);
        Assert.Equal(_t0, step.Transition.At);
        Assert.Equal(_t0 + TimeSpan.FromMinutes(1), step.State.NextCheckAt);
    }

    [Fact]
    public void ApplyProbe_ActiveFailsBelowThreshold_StaysActiveAndCounts()
    {
        UpstreamLifecycle sut = CreateSut();
        LifecycleStep step = sut.ApplyProbe(State(UpstreamStatus.Active), false, _t0, "refused");
        step = sut.ApplyProbe(step.State, false, _t0.AddMinutes(1), "refused");

        Assert.Equal(UpstreamStatus.Active, step.State.Status);
        Assert.Equal(2, step.State.ConsecutiveFailures);
        Assert.Null(step.Transition);
    }

    [Fact]
    public void ApplyProbe_ActiveFailsNTimes_QuarantinedWithReasonNamingError()
    {
        UpstreamLifecycle sut = CreateSut();
        HealthState state = State(UpstreamStatus.Active);
        LifecycleStep step = default;
        for (int i = 0; i < 3; i++)
        {
            step = sut.ApplyProbe(state, false, _t0.AddMinutes(i), "connection refused");
            state = step.State;
        }

        Assert.Equal(UpstreamStatus.Quarantined, state.Status);
        Assert.Equal(_t0.AddMinutes(2), state.StatusChangedAt);
        Assert.Contains("3 consecutive failed probes", step.Transition!.Reason, StringComparison.Ordinal);
        Assert.Contains("connection refused", step.Transition.Reason, StringComparison.Ordinal);
        Assert.Equal(0, state.FailedRechecks);
    }

    [Fact]
    public void ApplyProbe_SuccessBetweenFailures_ResetsConsecutiveFailures()
    {
        UpstreamLifecycle sut = CreateSut();
        HealthState state = State(UpstreamStatus.Active, failures: 2);
        state = sut.ApplyProbe(state, true, _t0).State;
        state = sut.ApplyProbe(state, false, _t0.AddMinutes(1)).State;

        Assert.Equal(UpstreamStatus.Active, state.Status);
        Assert.Equal(1, state.ConsecutiveFailures);
    }

    [Fact]
    public void ApplyProbe_PendingFailsNTimes_Quarantined()
    {
        UpstreamLifecycle sut = CreateSut();
        HealthState state = UpstreamLifecycle.Initial(_t0);
        for (int i = 0; i < 3; i++)
        {
            state = sut.ApplyProbe(state, false, _t0.AddMinutes(i)).State;
        }

        Assert.Equal(UpstreamStatus.Quarantined, state.Status);
    }

    [Fact]
    public void ApplyProbe_QuarantinedSucceedsOnce_StaysQuarantinedAndIsRecheckedAtInterval()
    {
        LifecycleStep step = CreateSut().ApplyProbe(State(UpstreamStatus.Quarantined, rechecks: 3), true, _t0);

        Assert.Equal(UpstreamStatus.Quarantined, step.State.Status);
        Assert.Null(step.Transition);
        Assert.Equal(_t0.AddMinutes(1), step.State.NextCheckAt);
    }

    [Fact]
    public void ApplyProbe_QuarantinedSucceedsMTimes_ActiveAgainWithRechecksReset()
    {
        UpstreamLifecycle sut = CreateSut();
        HealthState state = State(UpstreamStatus.Quarantined, rechecks: 3);
        state = sut.ApplyProbe(state, true, _t0).State;
        LifecycleStep step = sut.ApplyProbe(state, true, _t0.AddMinutes(1));

        Assert.Equal(UpstreamStatus.Active, step.State.Status);
        Assert.Equal(UpstreamStatus.Quarantined, step.Transition!.From);
        Assert.Contains("recovered", step.Transition.Reason, StringComparison.Ordinal);
        Assert.Equal(0, step.State.FailedRechecks);
    }

    [Fact]
    public void ApplyProbe_QuarantinedFailsRecheckLimit_Retired()
    {
        UpstreamLifecycle sut = CreateSut();
        HealthState state = State(UpstreamStatus.Quarantined);
        LifecycleStep step = default;
        for (int i = 1; i <= 5; i++)
        {
            step = sut.ApplyProbe(state, false, _t0.AddMinutes(i));
            state = step.State;
        }

        Assert.Equal(UpstreamStatus.Retired, state.Status);
        Assert.Contains("5 failed re-checks", step.Transition!.Reason, StringComparison.Ordinal);
        Assert.False(UpstreamLifecycle.IsDue(state, _t0.AddYears(1)));
    }

    [Fact]
    public void ApplyProbe_QuarantinedLongerThanRetireAfter_RetiredOnNextFailure()
    {
        LifecycleStep step = CreateSut().ApplyProbe(State(UpstreamStatus.Quarantined, rechecks: 1), false, _t0.AddHours(6));

        Assert.Equal(UpstreamStatus.Retired, step.State.Status);
        Assert.Contains("not recovered within", step.Transition!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplyProbe_QuarantinedFails_NextCheckGrowsWithRechecks()
    {
        UpstreamLifecycle sut = CreateSut();
        HealthState state = State(UpstreamStatus.Quarantined);
        DateTimeOffset now = _t0;
        TimeSpan previous = TimeSpan.Zero;
        for (int i = 0; i < 4; i++)
        {
            state = sut.ApplyProbe(state, false, now).State;
            TimeSpan delay = state.NextCheckAt!.Value - now;
            Assert.True(delay > previous, $"delay {delay} after {previous}");
            previous = delay;
            now = state.NextCheckAt.Value;
        }
    }

    [Fact]
    public void ApplyProbe_Retired_NothingChanges()
    {
        HealthState retired = State(UpstreamStatus.Retired);
        UpstreamLifecycle sut = CreateSut();

        Assert.Equal(retired, sut.ApplyProbe(retired, true, _t0).State);
        Assert.Null(sut.ApplyProbe(retired, false, _t0).Transition);
    }

    [Fact]
    public void ApplyLiveFaultBurst_Active_QuarantinedAtOnce()
    {
        LifecycleStep step = CreateSut().ApplyLiveFaultBurst(State(UpstreamStatus.Active), 5, _t0);

        Assert.Equal(UpstreamStatus.Quarantined, step.State.Status);
        Assert.Contains("live traffic", step.Transition!.Reason, StringComparison.Ordinal);
        Assert.NotNull(step.State.NextCheckAt);
    }

    [Fact]
    public void ApplyLiveFaultBurst_AlreadyQuarantined_NoTransition()
    {
        HealthState quarantined = State(UpstreamStatus.Quarantined, rechecks: 2);

        LifecycleStep step = CreateSut().ApplyLiveFaultBurst(quarantined, 5, _t0);

        Assert.Null(step.Transition);
        Assert.Equal(quarantined, step.State);
    }

    [Fact]
    public void IsDue_NextCheckInFuture_False()
    {
        HealthState state = State(UpstreamStatus.Active) with { NextCheckAt = _t0.AddSeconds(1) };

        Assert.False(UpstreamLifecycle.IsDue(state, _t0));
        Assert.True(UpstreamLifecycle.IsDue(state, _t0.AddSeconds(1)));
    }
}
