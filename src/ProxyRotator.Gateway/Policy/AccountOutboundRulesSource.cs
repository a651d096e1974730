using ProxyRotator.Core.Accounts;
using ProxyRotator.Core.Policy;

namespace ProxyRotator.Gateway.Policy;

/// <summary>
/// Outbound rules of the accounts in the <see cref="AccountDirectory"/> (set through the admin API, CLI or store), read
/// from its current table on every request, so a change takes effect with the next one. An account without rules of
/// its own falls back to the configuration file's <c>users[].outbound</c> (<see cref="ConfigOutboundRulesSource"/>):
/// config users are synced into the store without their rules. No lock, no allocation.
/// </summary>
public sealed class AccountOutboundRulesSource(AccountDirectory directory, ConfigOutboundRulesSource config) : IOutboundRulesSource
{
    public OutboundRules For(string account) =>
        directory.Current.Find(account)?.Definition.Outbound is { IsEmpty: false } rules ? rules : config.For(account);

    public bool ExclusiveByDefault(string account) => directory.Current.Find(account)?.Definition.ExclusiveExits == true;
}
