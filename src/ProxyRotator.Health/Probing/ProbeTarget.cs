using ProxyRotator.Core.Pool;

namespace ProxyRotator.Health.Probing;

/// <summary>One upstream to probe: its id and how to reach it.</summary>
public sealed record ProbeTarget(long UpstreamId, UpstreamEndpoint Endpoint)
{
    /// <summary>A backconnect upstream's country probe: the country its exit must be in (null for an ordinary probe).</summary>
    public string? Country { get; init; }

    /// <summary>A backconnect upstream (its rotating exit is expected: no geo verdict, never flagged as rotating).</summary>
    public bool IsBackconnect { get; init; }
}
