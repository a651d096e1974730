using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health.Lifecycle;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.UnitTests.Health.Lifecycle;

/// <summary>The lifecycle applies what it decides to the runtime state at once and to the stored row with its transition.</summary>
public sealed class UpstreamLifecycleRuntimeTests
{
    private static readonly DateTimeOffset _t0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static (UpstreamLifecycle Sut, UpstreamRuntimeState Runtime, UpstreamEntity Row) Create(UpstreamStatus status)
    {
        var options = new HealthCheckOptions { Interval = TimeSpan.FromMinutes(1), QuarantineAfterFailures = 3 };
        var states = new UpstreamRuntimeStates();
        UpstreamRuntimeState runtime = states.GetOrAdd(7, static s => new UpstreamRuntimeState(s, 0.5), status);
        var row = new UpstreamEntity { Id = 7, Host = "198.51.100.7", AddressKey = "http://198.51.100.7:8000", Source = "test" };
        row.InitializeStatus(status, "test", _t0);
        return (new UpstreamLifecycle(options, new QuarantineBackoff(options, new Random(7)), states), runtime, row);
    }

    [Fact]
    public void Commit_ProbeQuarantines_RuntimeAndRowWithTransition()
    {
        (UpstreamLifecycle sut, UpstreamRuntimeState runtime, UpstreamEntity row) = Create(UpstreamStatus.Active);
        row.ConsecutiveFailures = 2;

        bool changed = sut.Commit(row, sut.ApplyProbe(row.ToHealthState(), false, _t0, "refused"));

        Assert.True(changed);
        Assert.Equal((UpstreamStatus.Quarantined, UpstreamStatus.Quarantined, 3), (runtime.Status, row.Status, row.ConsecutiveFailures));
        Assert.Equal((UpstreamStatus.Active, UpstreamStatus.Quarantined), (row.StatusTransitions[^1].From, row.StatusTransitions[^1].To));
    }

    [Theory]
    [InlineData(UpstreamStatus.Active, OperatorAction.Quarantine, UpstreamStatus.Quarantined, "quarantined by operator")]
    [InlineData(UpstreamStatus.Quarantined, OperatorAction.Revive, UpstreamStatus.Pending, "revived by operator")]
    [InlineData(UpstreamStatus.Retired, OperatorAction.Revive, UpstreamStatus.Pending, "added again by operator")]
    [InlineData(UpstreamStatus.Pending, OperatorAction.Retire, UpstreamStatus.Retired, "retired by operator")]
    public void ApplyOperator_Action_AppliedToRuntimeAndRow(UpstreamStatus from, OperatorAction action, UpstreamStatus to, string reason)
    {
        (UpstreamLifecycle sut, UpstreamRuntimeState runtime, UpstreamEntity row) = Create(from);

        Assert.True(sut.Commit(row, sut.ApplyOperator(row.ToHealthState(), action, _t0)));

        Assert.Equal((to, to, reason), (runtime.Status, row.Status, row.StatusReason));
    }

    [Theory]
    [InlineData(UpstreamStatus.Active, OperatorAction.Revive)]
    [InlineData(UpstreamStatus.Retired, OperatorAction.Quarantine)]
    [InlineData(UpstreamStatus.Retired, OperatorAction.Retire)]
    public void ApplyOperator_NothingToDo_NoTransition(UpstreamStatus from, OperatorAction action)
    {
        (UpstreamLifecycle sut, UpstreamRuntimeState runtime, UpstreamEntity row) = Create(from);

        Assert.False(sut.Commit(row, sut.ApplyOperator(row.ToHealthState(), action, _t0)));

        Assert.Equal((from, from), (runtime.Status, row.Status));
        Assert.Single(row.StatusTransitions);
    }

    [Fact]
    public void ApplyLiveFaultBurst_ActiveUpstream_QuarantinedInMemoryAtOnce()
    {
        (UpstreamLifecycle sut, UpstreamRuntimeState runtime, _) = Create(UpstreamStatus.Active);

        Assert.True(sut.ApplyLiveFaultBurst(7));
        Assert.False(sut.ApplyLiveFaultBurst(7));
        Assert.False(sut.ApplyLiveFaultBurst(8));

        Assert.Equal(UpstreamStatus.Quarantined, runtime.Status);
    }

    [Fact]
    public void ApplyRemoteStatus_AnotherInstanceDecided_RuntimeFollows()
    {
        (UpstreamLifecycle sut, UpstreamRuntimeState runtime, _) = Create(UpstreamStatus.Active);

        Assert.True(sut.ApplyRemoteStatus(7, UpstreamStatus.Quarantined));

        Assert.Equal(UpstreamStatus.Quarantined, runtime.Status);
        Assert.False(sut.ApplyRemoteStatus(99, UpstreamStatus.Active));
    }
}
