using System.Net;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Core.Accounts;

/// <summary>
/// One account as the gateway uses it: its definition, its pools as a <see cref="PoolAccess"/>, its limiters and
/// its running byte totals. Immutable apart from the counters; an account change publishes a new entry (keeping
/// the limiters when the limits did not change, and always the same totals).
/// </summary>
public sealed class AccountEntry
{
    internal AccountEntry(AccountDefinition definition, AccountUsageTotals totals, AccountLimiters? limiters, IReadOnlyList<IPNetwork> networks)
    {
        Definition = definition;
        Totals = totals;
        Limiters = limiters;
        Networks = networks;
        Pools = PoolAccess.Of(definition.Pools);
    }

    public string Name => Definition.Name;

    public AccountDefinition Definition { get; }

    public bool Enabled => Definition.Enabled;

    public AccountLimits Limits => Definition.Limits;

    public PoolAccess Pools { get; }

    public AccountUsageTotals Totals { get; }

    /// <summary>Null when the account has neither a rate nor a concurrency limit.</summary>
    public AccountLimiters? Limiters { get; }

    /// <summary>Client addresses that authenticate as this account without a password.</summary>
    public IReadOnlyList<IPNetwork> Networks { get; }

    public bool MatchesAddress(IPAddress? client)
    {
        if (client is null || Networks.Count == 0)
        {
            return false;
        }

        IPAddress address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        foreach (IPNetwork network in Networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
