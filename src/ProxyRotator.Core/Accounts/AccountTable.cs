using System.Collections.Frozen;
using System.Net;

namespace ProxyRotator.Core.Accounts;

/// <summary>
/// An immutable view of every account, swapped as a whole on a change (<see cref="AccountDirectory"/>), so the
/// gateway reads accounts without a lock. Looks up by name (also from a span, without allocating) and by client
/// address for allow-list authentication.
/// </summary>
public sealed class AccountTable
{
    private readonly FrozenDictionary<string, AccountEntry> _byName;
    private readonly FrozenDictionary<string, AccountEntry>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly FrozenDictionary<IPAddress, AccountEntry> _byAddress;
    private readonly (IPNetwork Network, AccountEntry Entry)[] _byNetwork;

    internal AccountTable(IEnumerable<AccountEntry> entries, long version)
    {
        Version = version;
        AccountEntry[] all = [.. entries];
        _byName = all.ToFrozenDictionary(e => e.Name, StringComparer.Ordinal);
        _bySpan = _byName.GetAlternateLookup<ReadOnlySpan<char>>();
        var addresses = new Dictionary<IPAddress, AccountEntry>();
        var networks = new List<(IPNetwork, AccountEntry)>();
        foreach (AccountEntry entry in all.Where(e => e.Enabled))
        {
            foreach (IPNetwork network in entry.Networks)
            {
                if (network.PrefixLength == (network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128))
                {
                    addresses.TryAdd(network.BaseAddress, entry);
                }
                else
                {
                    networks.Add((network, entry));
                }
            }
        }

        _byAddress = addresses.ToFrozenDictionary();

        // Most specific range first, so a host bound to one account inside a range bound to another gets its own.
        _byNetwork = [.. networks.OrderByDescending(n => n.Item1.PrefixLength)];
    }

    public static AccountTable Empty { get; } = new([], 0);

    /// <summary>Increases with every published change.</summary>
    public long Version { get; }

    public int Count => _byName.Count;

    public IEnumerable<AccountEntry> Entries => _byName.Values;

    public bool TryGet(ReadOnlySpan<char> name, out AccountEntry? entry) => _bySpan.TryGetValue(name, out entry);

    public AccountEntry? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The enabled account bound to <paramref name="client"/>'s address, if any.</summary>
    public AccountEntry? FindByAddress(IPAddress? client)
    {
        if (client is null || (_byAddress.Count == 0 && _byNetwork.Length == 0))
        {
            return null;
        }

        IPAddress address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        if (_byAddress.TryGetValue(address, out AccountEntry? exact))
        {
            return exact;
        }

        foreach ((IPNetwork network, AccountEntry entry) in _byNetwork)
        {
            if (network.Contains(address))
            {
                return entry;
            }
        }

        return null;
    }
}
