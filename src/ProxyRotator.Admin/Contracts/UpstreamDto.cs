namespace ProxyRotator.Admin.Contracts;

/// <summary>An upstream as operators see it. <see cref="Url"/> has the password masked; no field carries it.</summary>
public sealed record UpstreamDto
{
    public required long Id { get; init; }
    public required string Pool { get; init; }
    public required string Url { get; init; }
    public required string Type { get; init; }
    public string? DeclaredCountry { get; init; }
    public string? City { get; init; }
    public string? VerifiedCountry { get; init; }
    public string? ExitIp { get; init; }
    public string? ConnectionType { get; init; }

    /// <summary>A note when GeoIP disagrees with the declared country or type.</summary>
    public string? Mismatch { get; init; }
    public required string Status { get; init; }
    public string? StatusReason { get; init; }
    public DateTimeOffset StatusChangedAt { get; init; }
    public double Score { get; init; }
    public double? LatencyMs { get; init; }
    public double? SuccessRate { get; init; }
    public DateTimeOffset? LastCheckedAt { get; init; }
    public string? LastError { get; init; }
    public required string Source { get; init; }
    public long TotalRequests { get; init; }
    public long TotalFailures { get; init; }
}
