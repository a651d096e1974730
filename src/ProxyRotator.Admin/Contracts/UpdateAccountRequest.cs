namespace ProxyRotator.Admin.Contracts;

/// <summary><c>PATCH /api/accounts/{name}</c>: the fields given are set, the others kept. <see cref="Limits"/> replaces all four limits.</summary>
public sealed record UpdateAccountRequest(
    bool? Enabled = null,
    IReadOnlyList<string>? Pools = null,
    AccountLimitsDto? Limits = null,
    IReadOnlyList<string>? AllowedAddresses = null);
