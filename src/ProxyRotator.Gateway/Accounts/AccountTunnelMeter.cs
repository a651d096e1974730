using ProxyRotator.Core.Accounts;
using ProxyRotator.Gateway.Relay;

namespace ProxyRotator.Gateway.Accounts;

/// <summary>
/// Adds a tunnel's bytes to its account's totals while it runs, and ends it once a byte quota is spent (so a
/// long download cannot run past the quota). What it metered is not added again when the tunnel completes.
/// </summary>
internal sealed class AccountTunnelMeter(AccountEntry account, UsageLedger ledger) : IRelayByteMeter
{
    private long _metered;

    public long Metered => Volatile.Read(ref _metered);

    public bool Add(int bytes)
    {
        Interlocked.Add(ref _metered, bytes);
        DateOnly today = ledger.Today;
        account.Totals.Add(bytes, today);
        return !account.Totals.IsExhausted(account.Limits, today);
    }
}
