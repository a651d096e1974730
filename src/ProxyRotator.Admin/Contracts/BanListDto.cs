namespace ProxyRotator.Admin.Contracts;

/// <summary><c>GET /api/bans</c>: remembered bans (active first by end), counts since start, and live exclusive claims.</summary>
public sealed record BanListDto(
    IReadOnlyList<BanDto> Items,
    int Active,
    long DetectedTotal,
    long ReportedTotal,
    long AvoidedPicksTotal,
    int ExclusiveClaims);
