namespace ProxyRotator.Health.Lifecycle;

/// <summary>A status change an operator asks for through the admin API or the CLI.</summary>
public enum OperatorAction
{
    /// <summary>Out of the pool for good (kept for history).</summary>
    Retire,

    /// <summary>Out of rotation now; re-checked with back-off like any quarantined upstream.</summary>
    Quarantine,

    /// <summary>Back to pending (from quarantined or retired): probed again, picked when no active upstream is left.</summary>
    Revive,
}
