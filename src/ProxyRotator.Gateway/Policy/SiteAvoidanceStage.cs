using System.Net;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Policy;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Sessions;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Gateway.Pipeline;

namespace ProxyRotator.Gateway.Policy;

/// <summary>
/// The pipeline stage for ban avoidance and exclusive exits (issue 13 §5-6). It records a ban the client reports with
/// <c>-banned-…</c> in its username (for this request's target site), then, when the site has bans or the exclusive
/// ledger is armed, gives the request a <see cref="SiteAvoidance"/> that the router's picks consult. With no bans
/// anywhere and no exclusivity in use it returns at once without computing the site or allocating.
/// </summary>
internal sealed class SiteAvoidanceStage(
    SiteBanList bans,
    ExclusiveExitLedger ledger,
    IPoolSnapshotSource pool,
    ISessionStore? sessions,
    ILogger<SiteAvoidanceStage> logger) : IRequestStage
{
    private readonly TimeProvider _timeProvider = bans.TimeProvider;

    public ValueTask<GatewayAnswer?> InvokeAsync(GatewayRequest request, CancellationToken cancellationToken)
    {
        if (request.IsUdpAssociate || request.Admission?.Targeting is not { } targeting)
        {
            return ValueTask.FromResult<GatewayAnswer?>(null);
        }

        if (targeting.BannedExit is not null)
        {
            return ReportThenAvoidAsync(request, targeting, cancellationToken);
        }

        Avoid(request, targeting);
        return ValueTask.FromResult<GatewayAnswer?>(null);
    }

    private async ValueTask<GatewayAnswer?> ReportThenAvoidAsync(GatewayRequest request, TargetingParameters targeting, CancellationToken cancellationToken)
    {
        if (await ResolveReportedExitAsync(targeting, cancellationToken).ConfigureAwait(false) is { } exit)
        {
            string site = RegistrableDomain.ToKey(request.TargetHost);
            SiteBan ban = bans.Report(site, exit, BanSource.Username, "reported in the username");
            PolicyLog.BanRecorded(logger, site, exit.ToString(), ban.Strikes, ban.Until - ban.BannedAt, BanSource.Username);
        }

        Avoid(request, targeting);
        return null;
    }

    private void Avoid(GatewayRequest request, TargetingParameters targeting)
    {
        DateTimeOffset now = default;
        bool armed = false;
        if (targeting.Exclusive == true)
        {
            now = _timeProvider.GetUtcNow();
            ledger.Arm(now);
            armed = true;
        }
        else if (bans.IsEmpty)
        {
            now = _timeProvider.GetUtcNow();
            armed = ledger.IsArmed(now);
            if (!armed)
            {
                return; // the common case: nothing banned anywhere, no exclusivity in use
            }
        }
        else
        {
            armed = ledger.IsArmed(_timeProvider.GetUtcNow());
        }

        ReadOnlySpan<char> site = RegistrableDomain.Of(request.TargetHost);
        SiteBans? siteBans = bans.For(site);
        if (siteBans is null && !armed)
        {
            return;
        }

        request.Avoidance = new SiteAvoidance(site.ToString().ToLowerInvariant(), siteBans, armed ? ledger : null, targeting.Account, targeting.Exclusive, _timeProvider);
    }

    /// <summary>The exit a <c>-banned-…</c> flag names: an upstream id, an IP, or the session's exit; null when unknown.</summary>
    private async ValueTask<ExitKey?> ResolveReportedExitAsync(TargetingParameters targeting, CancellationToken cancellationToken)
    {
        string reported = targeting.BannedExit!;
        long upstreamId;
        if (reported == "session")
        {
            if (sessions is null)
            {
                return null;
            }

            StickySession? session = await sessions.GetAsync(targeting.Account, targeting.SessionId!, cancellationToken).ConfigureAwait(false);
            if (session is null)
            {
                return null;
            }

            if (session.ExitIp is { Length: > 0 } sessionExit && IPAddress.TryParse(sessionExit, out IPAddress? sessionAddress))
            {
                return pool.Current.TryGet(session.UpstreamId, out UpstreamProxy? bound) && bound is not null ? ExitKey.Of(bound) : ExitKey.OfAddress(sessionAddress);
            }

            upstreamId = session.UpstreamId;
        }
        else if (!long.TryParse(reported, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out upstreamId))
        {
            return IPAddress.TryParse(reported, out IPAddress? address) ? ExitKey.OfAddress(address) : null;
        }

        return pool.Current.TryGet(upstreamId, out UpstreamProxy? upstream) && upstream is not null
            ? ExitKey.Of(upstream)
            : ExitKey.OfUpstreamId(upstreamId);
    }
}
