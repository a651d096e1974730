using ProxyRotator.Core.Policy;

namespace ProxyRotator.Gateway.Policy;

/// <summary>
/// An account's own outbound rules (on top of <c>policy.outbound</c>). The configuration's users today
/// (<see cref="ConfigOutboundRulesSource"/>) without accounts; <see cref="AccountOutboundRulesSource"/> with the
/// account directory, the rules carried on the account record as strings and compiled once by <see cref="OutboundRules.Parse"/>.
/// Called on every request: answer from memory.
/// </summary>
public interface IOutboundRulesSource
{
    /// <summary>The account's rules, or <see cref="OutboundRules.None"/>.</summary>
    OutboundRules For(string account);

    /// <summary>Whether the account's requests ask for exclusive exits when the username does not say (issue 13 §6).</summary>
    bool ExclusiveByDefault(string account) => false;
}
