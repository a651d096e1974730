using ProxyRotator.Core.Accounts;
using ProxyRotator.Gateway.Pipeline;

namespace ProxyRotator.Gateway.Accounts;

/// <summary>
/// The account's limits, for every protocol: a spent byte quota (day or month) gets 403 <c>quota-exhausted</c>; over
/// the request rate or the concurrent connections, 429 <c>rate-limited</c> with <c>Retry-After</c> (SOCKS5 0x02 for
/// both). Each account has its own limiters and none of them queues, so a limited account never slows another. A
/// tunnel of an account with a byte quota gets a meter that cuts it when the quota is spent.
/// </summary>
internal sealed class AccountLimitStage(UsageLedger ledger) : IRequestStage
{
    public ValueTask<GatewayAnswer?> InvokeAsync(GatewayRequest request, CancellationToken cancellationToken) => new(Check(request));

    private GatewayAnswer? Check(GatewayRequest request)
    {
        if (request.Admission?.Account is not { } account)
        {
            return null;
        }

        AccountLimits limits = account.Limits;
        if (limits.HasByteQuota)
        {
            DateOnly today = ledger.Today;
            if (account.Totals.IsExhausted(limits, today))
            {
                bool daily = limits.BytesPerDay is { } day && account.Totals.DayBytes(today) >= day;
                return GatewayAnswer.QuotaExhausted(daily
                    ? "this account's bytes for today are spent (resets at 00:00 UTC)"
                    : "this account's bytes for this month are spent (resets on the 1st, 00:00 UTC)");
            }

            if (request.Exchange == ExchangeKind.Tunnel)
            {
                request.TunnelMeter = new AccountTunnelMeter(account, ledger);
            }
        }

        if (account.Limiters is not { } limiters)
        {
            return null;
        }

        if (!limiters.TryTakeRequest(out TimeSpan retryAfter))
        {
            return GatewayAnswer.RateLimited("this account is over its requests per second: retry later", retryAfter);
        }

        if (!limiters.TryEnter(out System.Threading.RateLimiting.RateLimitLease? lease))
        {
            return GatewayAnswer.RateLimited("this account has as many connections open as it may: retry when one ends", TimeSpan.FromSeconds(1));
        }

        request.AccountLease = lease;
        return null;
    }
}
