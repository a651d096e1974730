using System.Collections.Frozen;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Policy;

namespace ProxyRotator.Gateway.Policy;

/// <summary>Outbound rules of the configuration file's <c>users[].outbound</c>, compiled at load.</summary>
public sealed class ConfigOutboundRulesSource(ProxyRotatorConfig config) : IOutboundRulesSource
{
    private readonly FrozenDictionary<string, OutboundRules> _rules = config.Users
        .Where(u => !u.Outbound.IsEmpty)
        .ToFrozenDictionary(u => u.Name, u => u.Outbound, StringComparer.Ordinal);

    public OutboundRules For(string account) =>
        _rules.Count > 0 && _rules.TryGetValue(account, out OutboundRules? rules) ? rules : OutboundRules.None;
}
