namespace ProxyRotator.Store.Entities;

/// <summary>One probe of an upstream. The history per upstream is bounded (see <c>HealthCheckHistory</c>).</summary>
public sealed class HealthCheckResultEntity
{
    public long Id { get; set; }
    public long UpstreamId { get; set; }
    public DateTimeOffset CheckedAt { get; set; }
    public bool Success { get; set; }
    public double? LatencyMs { get; set; }
    public string? ExitIp { get; set; }

    /// <summary>A short machine-readable kind (e.g. the outcome kind name); null on success.</summary>
    public string? ErrorKind { get; set; }
    public string? Error { get; set; }

    public override string ToString() =>
        $"check of upstream #{UpstreamId} at {CheckedAt:O}: {(Success ? "ok" : ErrorKind ?? "failed")}";
}
