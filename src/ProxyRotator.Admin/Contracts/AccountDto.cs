namespace ProxyRotator.Admin.Contracts;

/// <summary>
/// A gateway account. Never carries its password or hash: <see cref="HasPassword"/> says whether it has one.
/// <see cref="BytesToday"/> and <see cref="BytesThisMonth"/> are what its quotas are checked against.
/// </summary>
public sealed record AccountDto(
    string Name,
    bool Enabled,
    bool HasPassword,
    IReadOnlyList<string> Pools,
    AccountLimitsDto Limits,
    IReadOnlyList<string> AllowedAddresses,
    bool FromConfig,
    long BytesToday,
    long BytesThisMonth);
