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

    /// <summary><c>static</c> or <c>backconnect</c>.</summary>
    public string Kind { get; init; } = "static";

    /// <summary>The backconnect dialect (null for a static upstream).</summary>
    public string? Dialect { get; init; }

    /// <summary>The countries a backconnect upstream serves: <c>*</c> or codes joined by commas.</summary>
    public string? Countries { get; init; }

    public decimal? CostPerGb { get; init; }

    public decimal? CostPerRequest { get; init; }

    /// <summary>A backconnect upstream's probed countries, ordered by code (null for a static upstream or before any country probe).</summary>
    public IReadOnlyList<CountryCoverageDto>? Coverage { get; init; }

    /// <summary>Health checks saw the exit change between probes (never set for backconnect upstreams, whose exits rotate by design).</summary>
    public bool IsRotatingExit { get; init; }
}
