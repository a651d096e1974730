namespace ProxyRotator.Health.Lifecycle;

/// <summary>The state after one observation, and the status change it caused, if any.</summary>
public readonly record struct LifecycleStep(HealthState State, StatusTransition? Transition)
{
    public bool StatusChanged => Transition is not null;
}
