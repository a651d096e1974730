namespace ProxyRotator.Core.Configuration;

/// <summary>A gateway account. The password is the account's; targeting goes in the username.</summary>
public sealed class UserOptions
{
    public string Name { get; set; } = string.Empty;
    public string Password { get; set; } = string.Empty;

    /// <summary>Pools this account may use; <c>*</c> for all.</summary>
    public List<string> Pools { get; set; } = ["*"];

    /// <summary><c>outbound</c>: where this account may send traffic, on top of <c>policy.outbound</c>.</summary>
    public Policy.OutboundRules Outbound { get; set; } = Policy.OutboundRules.None;

    public bool MayUsePool(string pool) => Pools.Contains("*") || Pools.Contains(pool, StringComparer.OrdinalIgnoreCase);
}
