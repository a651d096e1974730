using ProxyRotator.Core.Pool;

namespace ProxyRotator.Admin.Contracts;

/// <summary>
/// <c>GET /readyz</c>: <c>ready</c> while at least one upstream is eligible, else <c>no-eligible-upstream</c> (503).
/// Pending upstreams (not yet probed) are eligible, as the gateway routes them: counted apart so an operator sees it.
/// </summary>
public sealed record ReadinessDto(string Status, int Eligible, int Active, int Pending)
{
    public static ReadinessDto Of(PoolSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        int active = 0, pending = 0;
        foreach (UpstreamProxy upstream in snapshot.All)
        {
            active += upstream.Status == UpstreamStatus.Active ? 1 : 0;
            pending += upstream.Status == UpstreamStatus.Pending ? 1 : 0;
        }

        int eligible = snapshot.All.Count(u => u.IsEligible);
        return new ReadinessDto(eligible > 0 ? "ready" : "no-eligible-upstream", eligible, active, pending);
    }
}
