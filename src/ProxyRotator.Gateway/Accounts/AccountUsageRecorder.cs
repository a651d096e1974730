using ProxyRotator.Core.Accounts;
using ProxyRotator.Gateway.Pipeline;

namespace ProxyRotator.Gateway.Accounts;

/// <summary>
/// The pipeline's last step for accounts: releases the request's concurrency permit and counts the request in the
/// <see cref="UsageLedger"/> (account × pool × day: one request, its bytes, its failure kind). Memory only; the
/// store's write-behind persists the ledger.
/// </summary>
public sealed class AccountUsageRecorder(UsageLedger ledger)
{
    public UsageLedger Ledger => ledger;

    public void Complete(GatewayRequest request, string? pool, string? errorCode)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.AccountLease?.Dispose();
        request.AccountLease = null;
        if (request.Admission?.Account is not { } account)
        {
            return;
        }

        long metered = request.TunnelMeter is AccountTunnelMeter meter ? meter.Metered : 0;
        ledger.Record(account.Totals, request.Upstream?.PoolName ?? pool ?? request.Admission.Targeting?.Pool, errorCode, request.BytesFromClient, request.BytesToClient, metered);
    }
}
