using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.Admin.Queries;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Policy;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Sessions;
using ProxyRotator.Gateway.Policy;

namespace ProxyRotator.Admin.Endpoints;

/// <summary><c>/api/bans</c>: which exits which sites banned (issue 13 §5): list, report one seen inside a tunnel, lift.</summary>
internal static class BanEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/bans", List).WithName("ListBans").WithSummary("Bans by site and exit, with cool-downs and decaying strikes");
        api.MapPost("/bans", ReportAsync).WithName("ReportBan").WithSummary("Report a ban seen inside a tunnel: the site and the exit (upstreamId, exitIp or session)");
        api.MapDelete("/bans/{site}", Lift).WithName("LiftBans").WithSummary("End the bans of a site (every exit, or ?exitIp= / ?upstreamId= for one)");
    }

    // The ban list lives in the gateway's services: an admin host without a gateway lists none (and refuses reports).
    private static Ok<BanListDto> List(
        [FromServices] SiteBanList? bans, [FromServices] ExclusiveExitLedger? ledger, ProxyRotatorConfig config, TimeProvider timeProvider)
    {
        if (bans is null)
        {
            return TypedResults.Ok(new BanListDto([], 0, 0, 0, 0, 0));
        }

        DateTimeOffset now = timeProvider.GetUtcNow();
        BanDto[] items = [.. bans.List().Select(b => ToDto(b, bans, config.Policy.Bans, now))];
        return TypedResults.Ok(new BanListDto(items, items.Count(b => b.Active), bans.DetectedTotal, bans.ReportedTotal, bans.AvoidedTotal, ledger?.List().Count ?? 0));
    }

    private static async Task<Results<Created<BanDto>, ProblemHttpResult>> ReportAsync(
        ReportBanRequest request, [FromServices] SiteBanList? bans, IPoolSnapshotSource pool, ISessionStore sessions, ProxyRotatorConfig config,
        TimeProvider timeProvider, CancellationToken ct)
    {
        if (bans is null)
        {
            return NoGateway();
        }

        if (SiteOf(request.Site) is not { } site)
        {
            return AdminProblems.BadInput(new AdminInputError("site", "a host name, URL or domain is required"));
        }

        int named = (request.UpstreamId is null ? 0 : 1) + (string.IsNullOrEmpty(request.ExitIp) ? 0 : 1) + (string.IsNullOrEmpty(request.Session) ? 0 : 1);
        if (named != 1)
        {
            return AdminProblems.BadInput(new AdminInputError("upstreamId", "name the exit with exactly one of upstreamId, exitIp or session"));
        }

        ExitKey exit;
        if (request.UpstreamId is { } id)
        {
            exit = pool.Current.TryGet(id, out UpstreamProxy? upstream) && upstream is not null ? ExitKey.Of(upstream) : ExitKey.OfUpstreamId(id);
        }
        else if (!string.IsNullOrEmpty(request.ExitIp))
        {
            if (!IPAddress.TryParse(request.ExitIp, out IPAddress? address))
            {
                return AdminProblems.BadInput(new AdminInputError("exitIp", "is not an IP address"));
            }

            exit = ExitKey.OfAddress(address);
        }
        else
        {
            string key = request.Session!;
            int colon = key.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == key.Length - 1)
            {
                return AdminProblems.BadInput(new AdminInputError("session", "expected account:sessionId"));
            }

            StickySession? session = await sessions.GetAsync(key[..colon], key[(colon + 1)..], ct);
            if (session is null)
            {
                return AdminProblems.NotFound($"no session '{key}'");
            }

            exit = pool.Current.TryGet(session.UpstreamId, out UpstreamProxy? bound) && bound is not null
                ? ExitKey.Of(bound)
                : session.ExitIp is { } ip && IPAddress.TryParse(ip, out IPAddress? sessionAddress) ? ExitKey.OfAddress(sessionAddress) : ExitKey.OfUpstreamId(session.UpstreamId);
        }

        SiteBan ban = bans.Report(site, exit, BanSource.Api, string.IsNullOrWhiteSpace(request.Reason) ? "reported through the API" : request.Reason);
        BanDto dto = ToDto(ban, bans, config.Policy.Bans, timeProvider.GetUtcNow());
        return TypedResults.Created($"/api/bans/{Uri.EscapeDataString(site)}", dto);
    }

    private static Results<Ok<int>, ProblemHttpResult> Lift(string site, string? exitIp, long? upstreamId, [FromServices] SiteBanList? bans)
    {
        if (bans is null)
        {
            return NoGateway();
        }

        if (SiteOf(site) is not { } key)
        {
            return AdminProblems.BadInput(new AdminInputError("site", "a host name or domain is required"));
        }

        ExitKey? exit = null;
        if (!string.IsNullOrEmpty(exitIp))
        {
            if (!IPAddress.TryParse(exitIp, out IPAddress? address))
            {
                return AdminProblems.BadInput(new AdminInputError("exitIp", "is not an IP address"));
            }

            exit = ExitKey.OfAddress(address);
        }
        else if (upstreamId is { } id)
        {
            exit = ExitKey.OfUpstreamId(id);
        }

        return TypedResults.Ok(bans.Lift(key, exit));
    }

    private static ProblemHttpResult NoGateway() => AdminProblems.Unavailable("this server runs no gateway, so it keeps no bans");

    /// <summary>The registrable domain of a host, URL or domain, lower case; null when there is none.</summary>
    private static string? SiteOf(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        string host = text.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) ? uri.IdnHost : text;
        if (host.Length == 0 || host.Length > 255 || host.Any(c => char.IsWhiteSpace(c) || c is '/' or '?' or '#' or '@'))
        {
            return null;
        }

        return RegistrableDomain.ToKey(host);
    }

    private static BanDto ToDto(SiteBan ban, SiteBanList bans, BanOptions options, DateTimeOffset now)
    {
        int strikesNow = ban.StrikesAt(now, options.ForgiveAfter);
        bool active = ban.IsActive(now);
        return new BanDto(
            ban.Site,
            ban.Exit.Ip,
            ban.Exit.UpstreamId == 0 ? null : ban.Exit.UpstreamId,
            ban.Strikes,
            strikesNow,
            active,
            ban.BannedAt,
            ban.Until,
            active ? Math.Round((ban.Until - now).TotalSeconds, 1) : 0,
            bans.CooldownFor(strikesNow + 1).TotalSeconds,
            ban.Source.ToString().ToLowerInvariant(),
            ban.Reason);
    }
}
