namespace ProxyRotator.Admin.Contracts;

/// <summary>
/// <c>POST /api/accounts</c>. Without <see cref="Password"/> (and without <see cref="AllowedAddresses"/>) a password
/// is generated and returned once. <see cref="Pools"/> defaults to all (<c>*</c>). <see cref="OutboundAllow"/> and
/// <see cref="OutboundDeny"/> are outbound rule strings (<c>example.com</c>, <c>*.ads.net</c>, <c>10.0.0.0/8</c>,
/// <c>port:443</c>); a bad one is refused with 400 naming it.
/// </summary>
public sealed record AddAccountRequest(
    string Name,
    string? Password = null,
    IReadOnlyList<string>? Pools = null,
    AccountLimitsDto? Limits = null,
    IReadOnlyList<string>? AllowedAddresses = null,
    bool? Enabled = null,
    IReadOnlyList<string>? OutboundAllow = null,
    IReadOnlyList<string>? OutboundDeny = null,
    bool? ExclusiveExits = null);
