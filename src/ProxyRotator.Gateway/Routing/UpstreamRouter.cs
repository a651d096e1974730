using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Sessions;
using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Gateway.Routing;

/// <summary>
/// Chooses the upstream for each attempt: the sticky session's upstream while it is usable, otherwise a fresh
/// pick from the in-memory snapshot that skips upstreams this request already tried. Sessions have a fixed
/// expiry (<c>created + sesstime</c>); a flex session is rebound when its upstream fails or leaves the pool
/// (keeping its expiry), a strict one fails instead of changing the exit. A session's upstream that the request's
/// <see cref="UpstreamRoute.Avoidance"/> passes over (the site banned its exit) counts as failed the same way.
/// Requests that arrive together for one new session are bound one at a time (<see cref="SessionBindingGate"/>), so they all leave through one exit.
/// With several instances on one database (<see cref="ISharedSessionBinding"/>, PostgreSQL), a session this
/// instance does not hold costs one bounded round trip before the first pick: the request picks an upstream and
/// offers the binding to the shared store, where the first writer wins; a session another instance bound (earlier,
/// or a moment ago for the same new id) comes back instead, and the request follows it. On SQLite nothing changes.
/// Dispose the route when the request ends.
/// </summary>
public sealed class UpstreamRouter(
    IPoolSnapshotSource pool,
    UpstreamSelector selector,
    ISessionStore sessions,
    ProxyRotatorConfig config,
    TimeProvider timeProvider,
    GatewayMetrics metrics,
    SessionBindingGate? bindingGate = null,
    ISharedSessionBinding? sharedSessions = null)
{
    /// <summary>
    /// Longest wait for another request to bind the same new session: the time that request may take to reach
    /// its first answer. After it, this request picks on its own rather than wait any longer.
    /// </summary>
    public TimeSpan BindingWaitLimit { get; } =
        (config.Gateway.ConnectTimeout * config.Gateway.MaxAttempts) + config.Gateway.ResponseTimeout;

    /// <summary>Pools marked <c>"udp": true</c>: the only ones a UDP association may be routed to.</summary>
    private readonly PoolAccess _udpPools = PoolAccess.Of(config.Pools.Where(p => p.Udp).Select(p => p.Name));

    /// <summary>Whether any pool is marked <c>"udp": true</c>.</summary>
    public bool AnyUdpPool => _udpPools.Key.Length > 0;

    /// <param name="udp">A UDP association: only upstreams of <c>"udp": true</c> pools match.</param>
    public async ValueTask<UpstreamRoute> BeginAsync(AdmissionResult admission, CancellationToken cancellationToken, bool udp = false)
    {
        TargetingParameters targeting = admission.Targeting ?? throw new ArgumentException("the client was not admitted", nameof(admission));
        UpstreamQuery query = UpstreamQuery.From(targeting, udp ? admission.PoolAccess.Intersect(_udpPools) : admission.PoolAccess);
        StickySession? session = null;
        SessionBindingGate.Claim? claim = null;
        if (targeting.SessionId is { } sessionId)
        {
            while (true)
            {
                session = await sessions.GetAsync(targeting.Account, sessionId, cancellationToken).ConfigureAwait(false);
                if (session is not null && session.IsExpired(timeProvider.GetUtcNow()))
                {
                    session = null;
                }

                if (session is not null || bindingGate is null)
                {
                    break;
                }

                if (bindingGate.TryClaim(targeting.Account, sessionId, out SessionBindingGate.Claim held))
                {
                    claim = held;
                    break;
                }

                // Another request is binding this session right now: follow its binding instead of picking a second exit.
                try
                {
                    await held.Ended.WaitAsync(BindingWaitLimit, timeProvider, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    break;
                }
            }
        }

        bool newBinding = false;
        if (session is null && claim is not null && sharedSessions is not null)
        {
            (session, newBinding) = await BindSharedAsync(targeting, query, sharedSessions, cancellationToken).ConfigureAwait(false);
            if (session is not null)
            {
                // In memory now: requests waiting for this session's binding may read it.
                claim.End();
                claim = null;
            }
        }

        GatewayFailure refusal = GatewayFailure.None;
        if (targeting.SessionId is not null && session is null && !HasRoomForNewSession(targeting.Account, claim is not null))
        {
            claim?.End();
            claim = null;
            refusal = GatewayFailure.SessionLimit;
        }

        return new UpstreamRoute(targeting, query, session, config.Gateway.MaxAttempts) { BindingClaim = claim, Refusal = refusal, NewBinding = newBinding };
    }

    /// <summary>
    /// A session id this instance does not hold, with several instances: picks the exit now and offers the binding
    /// to the shared store (one round trip that is also the look-up); the binding that holds comes back. Over a
    /// session cap, or with nothing to pick, it only looks the session up: one another instance holds is not new.
    /// </summary>
    private async ValueTask<(StickySession? Session, bool New)> BindSharedAsync(
        TargetingParameters targeting, UpstreamQuery query, ISharedSessionBinding shared, CancellationToken cancellationToken)
    {
        string sessionId = targeting.SessionId!;
        UpstreamProxy? picked = HasRoomForNewSession(targeting.Account, holdsClaim: true)
            ? selector.Pick(pool.Current, query, [])
            : null;
        if (picked is null)
        {
            return (await shared.FindAsync(targeting.Account, sessionId, cancellationToken).ConfigureAwait(false), false);
        }

        DateTimeOffset now = timeProvider.GetUtcNow();
        StickySession proposed = NewSession(targeting, picked, now, picked.IsBackconnect ? now.ToUnixTimeMilliseconds() : 0);
        StickySession held = await shared.BindAsync(proposed, cancellationToken).ConfigureAwait(false);
        return (held, held == proposed);
    }

    /// <summary>The upstream for the next attempt; counts the pick's latency and, after the first attempt, a retry.</summary>
    public PickResult PickNext(UpstreamRoute route)
    {
        if (route.AttemptCount > 0)
        {
            metrics.RecordRetry(route.Query.Pool);
        }

        long started = timeProvider.GetTimestamp();
        PickResult result = PickNextCore(route);
        metrics.RecordPick(timeProvider.GetElapsedTime(started));
        return result;
    }

    private PickResult PickNextCore(UpstreamRoute route)
    {
        if (route.Refusal != GatewayFailure.None)
        {
            return new PickResult(null, route.Refusal);
        }

        PoolSnapshot snapshot = pool.Current;
        if (route.Session is { } session && !route.SessionAbandoned)
        {
            bool renew = route.RenewVendorSession;
            route.RenewVendorSession = false;
            if ((route.AttemptCount == 0 || renew)
                && snapshot.TryGet(session.UpstreamId, out UpstreamProxy? bound)
                && bound is { IsEligible: true }
                && selector.Matches(bound, route.Query)
                && (route.Avoidance is null || !route.Avoidance.Avoids(bound)))
            {
                if (renew)
                {
                    // The vendor session holding the exit ended early: the same upstream, a fresh vendor session.
                    route.VendorEpoch = session.VendorEpoch + 1;
                    route.VendorSessionRenewed = true;
                }
                else
                {
                    route.VendorEpoch = session.VendorEpoch;
                }

                route.MarkTried(bound.Id);
                route.Avoidance?.Picked(bound);
                return new PickResult(bound, GatewayFailure.None);
            }

            if (route.Targeting.SessionMode == SessionMode.Strict && !route.NewBinding)
            {
                return new PickResult(null, GatewayFailure.SessionLost);
            }

            route.SessionAbandoned = true;
        }

        UpstreamProxy? picked = selector.Pick(snapshot, route.Query, route.Tried, route.Avoidance);
        if (picked is null)
        {
            return new PickResult(null, route.AttemptCount == 0 ? GatewayFailure.NoUpstream : GatewayFailure.UpstreamFailed);
        }

        route.MarkTried(picked.Id);
        route.Avoidance?.Picked(picked);
        if (route.Targeting.IsSticky)
        {
            // A new binding: a vendor session of its own, different from any earlier session under this id.
            route.VendorEpoch = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        }

        return new PickResult(picked, GatewayFailure.None);
    }

    /// <summary>
    /// The bound backconnect upstream of a flex session failed: its vendor session ended early (the vendor lost the
    /// exit). The next pick tries the same upstream once more on a fresh vendor session before moving elsewhere.
    /// </summary>
    public bool TryRenewVendorSession(UpstreamRoute route, UpstreamProxy failed)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(failed);
        if (route.Session is not { } session || route.SessionAbandoned || route.VendorSessionRenewed || !failed.IsBackconnect
            || session.UpstreamId != failed.Id || route.Targeting.SessionMode != SessionMode.Flex)
        {
            return false;
        }

        route.RenewVendorSession = true;
        return true;
    }

    /// <summary>A failure on a strict session's bound upstream ends the request; everything else may fail over.</summary>
    public bool MayFailOver(UpstreamRoute route) =>
        !(route.Session is not null && !route.SessionAbandoned && !route.NewBinding && route.Targeting.SessionMode == SessionMode.Strict);

    /// <summary>Binds (or rebinds) the request's sticky session to the upstream that served it.</summary>
    public async ValueTask CommitAsync(UpstreamRoute route, UpstreamProxy upstream, CancellationToken cancellationToken)
    {
        TargetingParameters targeting = route.Targeting;
        if (targeting.SessionId is null
            || (route.Session is { } current && current.UpstreamId == upstream.Id && (!upstream.IsBackconnect || current.VendorEpoch == route.VendorEpoch)))
        {
            return;
        }

        DateTimeOffset now = timeProvider.GetUtcNow();
        StickySession next = route.Session is { } previous
            ? previous with { UpstreamId = upstream.Id, LastUsedAt = now, ExitIp = upstream.IsBackconnect ? null : upstream.ExitIp, VendorEpoch = route.VendorEpoch }
            : NewSession(targeting, upstream, now, route.VendorEpoch);

        await sessions.SaveAsync(next, cancellationToken).ConfigureAwait(false);
        route.Session = next;
        route.SessionAbandoned = false;
        route.NewBinding = false;

        // Stored: requests waiting for this session's first binding may read it now.
        route.EndBindingClaim();
    }

    /// <summary>
    /// Whether one more session fits under <c>sessions.maxPerAccount</c> and <c>sessions.maxTotal</c>. Sessions being
    /// bound by other requests right now count too, so a burst of new ids cannot overshoot a cap (at worst a
    /// request is refused that a moment later would have fitted).
    /// </summary>
    private bool HasRoomForNewSession(string account, bool holdsClaim)
    {
        int self = holdsClaim ? 1 : 0;
        int pendingForAccount = (bindingGate?.PendingFor(account) ?? 0) - self;
        int pendingTotal = (bindingGate?.Pending ?? 0) - self;
        SessionOptions limits = config.Sessions;
        return sessions.CountFor(account) + pendingForAccount < limits.MaxPerAccount
            && sessions.Count + pendingTotal < limits.MaxTotal;
    }

    /// <summary>A backconnect upstream's exit is the vendor session's (<paramref name="vendorEpoch"/>), not a fixed IP.</summary>
    private StickySession NewSession(TargetingParameters targeting, UpstreamProxy upstream, DateTimeOffset now, long vendorEpoch) => new()
    {
        Account = targeting.Account,
        SessionId = targeting.SessionId!,
        UpstreamId = upstream.Id,
        CreatedAt = now,
        ExpiresAt = now + SessionTtl(targeting),
        LastUsedAt = now,
        Mode = targeting.SessionMode,
        ExitIp = upstream.IsBackconnect ? null : upstream.ExitIp,
        VendorEpoch = vendorEpoch,
    };

    private TimeSpan SessionTtl(TargetingParameters targeting)
    {
        TimeSpan ttl = targeting.SessionTtl ?? config.Sessions.DefaultTtl;
        return ttl > config.Sessions.MaxTtl ? config.Sessions.MaxTtl : ttl;
    }
}
