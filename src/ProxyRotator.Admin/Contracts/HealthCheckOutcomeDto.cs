namespace ProxyRotator.Admin.Contracts;

/// <summary>The result of probing one upstream now.</summary>
public sealed record HealthCheckOutcomeDto
{
    public required long UpstreamId { get; init; }
    public string? Pool { get; init; }
    public string? Url { get; init; }
    public required bool Success { get; init; }

    /// <summary>The upstream's status after the check.</summary>
    public string? Status { get; init; }

    /// <summary>Its status before the check (differs from <see cref="Status"/> when the check moved it).</summary>
    public string? PreviousStatus { get; init; }
    public double? Score { get; init; }
    public double? LatencyMs { get; init; }
    public string? ExitIp { get; init; }
    public string? VerifiedCountry { get; init; }
    public string? ConnectionType { get; init; }

    /// <summary>What kind of failure, kebab-case like every code the product shows (e.g. <c>connect-refused</c>, <c>timeout</c>); null on success.</summary>
    public string? ErrorKind { get; init; }
    public string? Error { get; init; }
}
