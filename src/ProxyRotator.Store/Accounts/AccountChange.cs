using ProxyRotator.Core.Accounts;

namespace ProxyRotator.Store.Accounts;

/// <summary>What to change on an account; null fields are left as they are.</summary>
public sealed record AccountChange(
    bool? Enabled = null,
    IReadOnlyList<string>? Pools = null,
    AccountLimits? Limits = null,
    IReadOnlyList<string>? AllowedAddresses = null);
