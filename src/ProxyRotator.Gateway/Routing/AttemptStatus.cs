namespace ProxyRotator.Gateway.Routing;

/// <summary>What one attempt through one upstream means for the request.</summary>
public enum AttemptStatus
{
    /// <summary>Stop: the failure is final (or the attempt threw).</summary>
    Final = 0,
    /// <summary>Try the next upstream, if attempts are left.</summary>
    Retryable,
    Succeeded,
}
