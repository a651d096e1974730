namespace ProxyRotator.Admin.Contracts;

/// <summary>
/// One (exit, site) ban. The exit is <see cref="ExitIp"/> where known, else <see cref="UpstreamId"/>. <see cref="Active"/>
/// while <see cref="Until"/> lies ahead; afterwards it stays listed while its strikes decay (one per
/// <c>policy.bans.forgiveAfter</c>): the next ban's cool-down would be <see cref="NextCooldownSeconds"/>.
/// </summary>
public sealed record BanDto(
    string Site,
    string? ExitIp,
    long? UpstreamId,
    int Strikes,
    int StrikesNow,
    bool Active,
    DateTimeOffset BannedAt,
    DateTimeOffset Until,
    double RemainingSeconds,
    double NextCooldownSeconds,
    string Source,
    string? Reason);
