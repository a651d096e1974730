using System.Net;

namespace ProxyRotator.Core.Accounts;

/// <summary>
/// The accounts the gateway authenticates against: one <see cref="AccountTable"/>, replaced atomically by
/// <see cref="Publish"/> whenever the store (or the configuration, without a store) changes, so a change takes
/// effect with the next request. Keeps each account's limiters across changes that leave its limits alone, and its
/// usage totals always.
/// </summary>
public sealed class AccountDirectory(UsageLedger ledger)
{
    private readonly Lock _publish = new();
    private AccountTable _current = AccountTable.Empty;

    public AccountTable Current => Volatile.Read(ref _current);

    public UsageLedger Ledger => ledger;

    /// <summary>Raised after a new table was published (outside the publish lock).</summary>
    public event Action<AccountTable>? Published;

    /// <summary>Builds and swaps in a table of <paramref name="accounts"/>.</summary>
    public AccountTable Publish(IEnumerable<AccountDefinition> accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        AccountTable table;
        lock (_publish)
        {
            AccountTable previous = _current;
            var entries = new List<AccountEntry>();
            foreach (AccountDefinition definition in accounts)
            {
                AccountEntry? old = previous.Find(definition.Name);
                AccountLimiters? limiters = old?.Limiters is { } kept && kept.Limits.MaxConcurrent == definition.Limits.MaxConcurrent
                    && kept.Limits.RequestsPerSecond == definition.Limits.RequestsPerSecond
                    ? kept
                    : definition.Limits.MaxConcurrent is null && definition.Limits.RequestsPerSecond is null ? null : new AccountLimiters(definition.Limits);
                entries.Add(new AccountEntry(definition, ledger.TotalsFor(definition.Name), limiters, ParseNetworks(definition.AllowedAddresses)));
            }

            table = new AccountTable(entries, previous.Version + 1);
            Volatile.Write(ref _current, table);
        }

        Published?.Invoke(table);
        return table;
    }

    /// <summary>Parses an address (<c>203.0.113.7</c>) or CIDR range (<c>203.0.113.0/24</c>); false when it is neither.</summary>
    public static bool TryParseNetwork(string value, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        if (value.Contains('/', StringComparison.Ordinal))
        {
            return IPNetwork.TryParse(value, out network);
        }

        if (!IPAddress.TryParse(value, out IPAddress? address))
        {
            return false;
        }

        network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }

    private static IPNetwork[] ParseNetworks(IReadOnlyList<string> values)
    {
        var networks = new List<IPNetwork>(values.Count);
        foreach (string value in values)
        {
            if (TryParseNetwork(value, out IPNetwork network))
            {
                networks.Add(network);
            }
        }

        return [.. networks];
    }
}
