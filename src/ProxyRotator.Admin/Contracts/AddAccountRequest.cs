namespace ProxyRotator.Admin.Contracts;

/// <summary>
/// <c>POST /api/accounts</c>. Without <see cref="Password"/> (and without <see cref="AllowedAddresses"/>) a password
/// is generated and returned once. <see cref="Pools"/> defaults to all (<c>*</c>).
/// </summary>
public sealed record AddAccountRequest(
    string Name,
    string? Password = null,
    IReadOnlyList<string>? Pools = null,
    AccountLimitsDto? Limits = null,
    IReadOnlyList<string>? AllowedAddresses = null,
    bool? Enabled = null);
