using ProxyRotator.Core.Policy;

namespace ProxyRotator.Gateway.Policy;

/// <summary>
/// An account's own outbound rules (on top of <c>policy.outbound</c>). The configuration's users today
/// (<see cref="ConfigOutboundRulesSource"/>); an account store replaces it by registering its own source, with the
/// rules carried on the account record as strings and compiled once by <see cref="OutboundRules.Parse"/>.
/// Called on every request: answer from memory.
/// </summary>
public interface IOutboundRulesSource
{
    /// <summary>The account's rules, or <see cref="OutboundRules.None"/>.</summary>
    OutboundRules For(string account);
}
