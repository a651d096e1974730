using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Sessions;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Store;

namespace ProxyRotator.Health.Sessions;

/// <summary>
/// Removes sticky sessions that can no longer be served:
/// <list type="bullet">
/// <item>expired sessions (their <c>sesstime</c> ran out);</item>
/// <item><b>strict</b> sessions whose upstream was retired: a strict session never changes its exit IP, so until
/// the sweep the gateway answers its requests with 502; the sweep ends it, and the same session id afterwards starts
/// a new session on a new exit (visible in <c>X-ProxyRotator-Upstream</c>) instead of failing for the rest of its
/// lifetime;</item>
/// <item><b>flex</b> sessions on a retired upstream are left in place: the gateway rebinds them on their next
/// request to another upstream matching the same targeting and tells the client through
/// <c>X-ProxyRotator-Upstream</c>. Rebinding here would need the session's targeting, which only the gateway has.</item>
/// </list>
/// Sessions are removed through <see cref="ISessionStore"/> so its memory cache stays in step with the database.
/// </summary>
public sealed partial class SessionSweeper
{
    private readonly ISessionStore _sessions;
    private readonly IDbContextFactory<ProxyRotatorDbContext> _contextFactory;
    private readonly TimeProvider _time;
    private readonly ILogger<SessionSweeper> _logger;

    public SessionSweeper(ISessionStore sessions, IDbContextFactory<ProxyRotatorDbContext> contextFactory, TimeProvider time, ILogger<SessionSweeper> logger)
    {
        _sessions = sessions;
        _contextFactory = contextFactory;
        _time = time;
        _logger = logger;
    }

    public async Task<SessionSweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        int expired = await _sessions.RemoveExpiredAsync(_time.GetUtcNow(), cancellationToken).ConfigureAwait(false);

        IReadOnlyList<StickySession> live = await _sessions.ListAsync(cancellationToken).ConfigureAwait(false);
        int strictRemoved = 0, flexLeft = 0;
        if (live.Count > 0)
        {
            long[] upstreamIds = [.. live.Select(s => s.UpstreamId).Distinct()];
            HashSet<long> gone = await RetiredOrMissingAsync(upstreamIds, cancellationToken).ConfigureAwait(false);
            foreach (StickySession session in live.Where(s => gone.Contains(s.UpstreamId)))
            {
                if (session.Mode == SessionMode.Strict)
                {
                    if (await _sessions.RemoveAsync(session.Account, session.SessionId, cancellationToken).ConfigureAwait(false))
                    {
                        strictRemoved++;
                    }
                }
                else
                {
                    flexLeft++;
                }
            }
        }

        if (expired + strictRemoved > 0)
        {
            LogSwept(_logger, expired, strictRemoved, flexLeft);
        }

        return new SessionSweepResult(expired, strictRemoved, flexLeft);
    }

    private async Task<HashSet<long>> RetiredOrMissingAsync(long[] upstreamIds, CancellationToken cancellationToken)
    {
        ProxyRotatorDbContext db = await _contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            List<long> serviceable = await db.Upstreams.AsNoTracking()
                .Where(u => upstreamIds.Contains(u.Id) && u.Status != UpstreamStatus.Retired)
                .Select(u => u.Id)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var gone = new HashSet<long>(upstreamIds);
            gone.ExceptWith(serviceable);
            return gone;
        }
    }

    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "Session sweep: {Expired} expired removed, {Strict} strict sessions on retired upstreams removed, {Flex} flex sessions left to rebind")]
    private static partial void LogSwept(ILogger logger, int expired, int strict, int flex);
}
