namespace ProxyRotator.Admin.Contracts;

/// <summary><c>GET /api/stats</c>. Upstreams are the busiest ones (<c>?top=</c>, default 100).</summary>
public sealed record StatsDto
{
    public required DateTimeOffset StartedAt { get; init; }
    public required double UptimeSeconds { get; init; }
    public required TrafficDto Total { get; init; }
    public long ActiveConnections { get; init; }
    public long ConnectionsTotal { get; init; }
    public int ActiveSessions { get; init; }
    public required IReadOnlyDictionary<string, long> FailuresByKind { get; init; }
    public required IReadOnlyDictionary<string, long> HealthChecks { get; init; }
    public required IReadOnlyList<PoolTrafficDto> Pools { get; init; }
    public required IReadOnlyList<UpstreamTrafficDto> Upstreams { get; init; }

    /// <summary>Usage and spend per account and per provider (issue 12 §5); empty lists before any request was served.</summary>
    public SpendDto Spend { get; init; } = new([], []);
}
