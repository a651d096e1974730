namespace ProxyRotator.Health.Scoring;

/// <summary>Live-traffic counts gathered since the last write, handed to the writer in one piece.</summary>
/// <param name="QuarantineRequested">A burst of live upstream faults asks for quarantine.</param>
public readonly record struct LiveTally(
    long Requests,
    long Failures,
    DateTimeOffset? LastUsedAt,
    int ConsecutiveLiveFaults,
    bool QuarantineRequested);
