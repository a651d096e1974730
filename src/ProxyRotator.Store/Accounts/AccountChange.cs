using ProxyRotator.Core.Accounts;

namespace ProxyRotator.Store.Accounts;

/// <summary>
/// What to change on an account; null fields are left as they are. <see cref="OutboundAllow"/> and
/// <see cref="OutboundDeny"/> are rule strings (<see cref="Core.Policy.OutboundRules"/>), each replacing its list.
/// </summary>
public sealed record AccountChange(
    bool? Enabled = null,
    IReadOnlyList<string>? Pools = null,
    AccountLimits? Limits = null,
    IReadOnlyList<string>? AllowedAddresses = null,
    IReadOnlyList<string>? OutboundAllow = null,
    IReadOnlyList<string>? OutboundDeny = null,
    bool? ExclusiveExits = null);
