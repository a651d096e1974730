using ProxyRotator.Core.Pool;

namespace ProxyRotator.Gateway.Policy;

/// <summary>
/// One request's reasons to pass over exits for its target site: the site's bans and, while the ledger is armed, the
/// exits other accounts hold (<see cref="ExclusiveExitLedger"/>). Made by <see cref="SiteAvoidanceStage"/> only when
/// there is something to avoid or record; the common request has none and its picks skip the check entirely.
/// </summary>
internal sealed class SiteAvoidance(
    string site,
    SiteBans? bans,
    ExclusiveExitLedger? ledger,
    string account,
    bool? exclusive,
    TimeProvider timeProvider) : IUpstreamAvoidance
{
    public string Site => site;

    public bool Avoids(UpstreamProxy upstream)
    {
        DateTimeOffset now = timeProvider.GetUtcNow();
        if (bans is not null && bans.IsBanned(upstream, now))
        {
            return true;
        }

        return ledger is not null && ledger.IsReservedAgainst(site, upstream, account, ledger.IsExclusive(upstream, exclusive), now);
    }

    public void Picked(UpstreamProxy upstream) =>
        ledger?.Record(site, upstream, account, ledger.IsExclusive(upstream, exclusive), timeProvider.GetUtcNow());
}
