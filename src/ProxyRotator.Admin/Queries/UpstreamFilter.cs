using ProxyRotator.Core.Pool;

namespace ProxyRotator.Admin.Queries;

/// <summary>
/// Filters of <c>GET /api/proxies</c>. <see cref="Statuses"/> null means every status but retired (retired
/// upstreams are history; ask for <c>status=retired</c> or <c>status=all</c> to see them).
/// </summary>
public sealed record UpstreamFilter
{
    public string? Pool { get; init; }
    public IReadOnlyList<UpstreamStatus>? Statuses { get; init; }
    public UpstreamType? Type { get; init; }
    public string? Country { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 100;
}
