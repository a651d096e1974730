namespace ProxyRotator.Admin.Contracts;

/// <summary><c>GET /api/pools</c>: a pool with its upstream counts by status and its providers.</summary>
public sealed record PoolDto(
    string Name,
    string Type,
    int Total,
    StatusCountsDto Counts,
    IReadOnlyList<ProviderSourceDto> Providers);
