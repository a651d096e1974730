namespace ProxyRotator.Core.Pool;

/// <summary>Lifecycle of an upstream. Only <see cref="Active"/> (and, as a fallback, <see cref="Pending"/>) upstreams are picked.</summary>
public enum UpstreamStatus
{
    /// <summary>Added but not yet checked.</summary>
    Pending = 0,
    Active = 1,
    /// <summary>Excluded from picks; re-checked with back-off.</summary>
    Quarantined = 2,
    /// <summary>Excluded for good; kept for history.</summary>
    Retired = 3,
}
