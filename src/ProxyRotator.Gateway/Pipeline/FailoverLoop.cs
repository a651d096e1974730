using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Core.Upstreams;
using ProxyRotator.Gateway.Diagnostics;
using ProxyRotator.Gateway.Observability;
using ProxyRotator.Gateway.Routing;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.Gateway.Pipeline;

/// <summary>
/// The one attempt loop for every protocol: pick an upstream (the session's or a fresh one), try the exchange through
/// it, and decide from the evidence whose fault a failure was (issue 10 §1):
/// <list type="bullet">
/// <item>the upstream's own failure (no connect, no answer, garbage, our credentials refused) is charged at once, and
/// the request fails over while nothing has reached the client;</item>
/// <item>a failure the upstream reports about the target, or one that could be either side, is charged to no one yet:
/// one more upstream is asked. If it serves the target, the first upstream was at fault and is charged then; if it
/// fails on the target too, the target is at fault (<see cref="TargetFailureMemory"/> remembers that briefly, so later
/// requests to it stop after one attempt) and the client gets <c>target-unreachable</c> — or, for a forwarded
/// request, the origin's own answer;</item>
/// <item>nothing is ever charged for a failure no second upstream could confirm.</item>
/// </list>
/// Every attempt is reported exactly once to the outcome sink (score, live quarantine and the metrics' failure kinds
/// all read those reports).
/// </summary>
internal sealed class FailoverLoop(
    UpstreamRouter router,
    TargetFailureMemory targetFailures,
    UpstreamTargetResolver targets,
    IUpstreamOutcomeSink outcomes,
    ProxyRotatorConfig config,
    ILogger<FailoverLoop> logger,
    GatewayTracing? tracing = null,
    BackconnectCredentialWriter? credentialWriter = null)
{
    private readonly BackconnectCredentialWriter _credentialWriter = credentialWriter ?? new BackconnectCredentialWriter(config);

    private readonly int _maxAttempts = Math.Max(1, config.Gateway.MaxAttempts);

    public TargetFailureMemory TargetFailures => targetFailures;

    /// <summary>Runs attempts until one serves the request; returns null when served, else the answer to render.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<GatewayAnswer?> RunAsync(GatewayRequest request, UpstreamExchange exchange, CancellationToken cancellationToken)
    {
        UpstreamRoute route = request.Route!;
        GatewayAnswer? lastAnswer = null;
        while (true)
        {
            // Trace spans per attempt only when the request has one (tracing on and sampled); else nothing is made.
            Activity? pickSpan = tracing?.StartPhase(request.Span, GatewayTracePhase.Pick, route.AttemptCount + 1);
            PickResult pick = router.PickNext(route);
            GatewayTracing.EndPhase(pickSpan, pickSpan is null || pick.Upstream is not null ? null : pick.Failure.ToString(), pick.Upstream?.Id);
            if (pick.Upstream is not { } upstream)
            {
                return SettleUnconfirmed(request)
                    ?? (lastAnswer is { } last && pick.Failure != GatewayFailure.SessionLost ? last : (GatewayAnswer?)null)
                    ?? Untranslatable(route, pick.Failure)
                    ?? GatewayAnswer.For(pick.Failure);
            }

            // A backconnect upstream gets the vendor credentials its dialect writes for this targeting; a targeting it
            // cannot express never reaches it: the next pick skips it, and with none left the client learns which parameter.
            request.UpstreamCredentials = null;
            if (upstream.IsBackconnect)
            {
                BackconnectTranslation translation = _credentialWriter.Write(upstream, route);
                if (!translation.Succeeded)
                {
                    route.MarkRefused(translation.Refusal.Value);
                    continue;
                }

                request.UpstreamCredentials = new UpstreamCredentials(translation.Credentials.Value.Username, translation.Credentials.Value.Password);
            }

            // A local upstream would resolve the name against the gateway's own host: the gateway resolves it once,
            // checks every address and hands over the checked one (no rebinding). The target's fault, not the upstream's.
            TargetResolution resolution = await targets.ResolveAsync(upstream, request.TargetHost, request.TargetPort, cancellationToken, request.AccountRules).ConfigureAwait(false);
            if (resolution.Host is not { } dialHost)
            {
                SettleUnconfirmed(request);
                return resolution.IsRefused
                    ? GatewayAnswer.TargetForbidden(resolution.Decision.Message)
                    : GatewayAnswer.TargetUnreachable("the target name does not resolve", 0x04);
            }

            request.DialHost = dialHost;
            request.Upstream = upstream;
            request.MayRetry = route.AttemptCount < _maxAttempts && router.MayFailOver(route);
            upstream.Runtime.Enter();
            Activity? dialSpan = tracing?.StartPhase(request.Span, GatewayTracePhase.Dial, route.AttemptCount, upstream.Id);
            AttemptResult result;
            try
            {
                result = await exchange.TryAsync(request, upstream, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception)
            {
                GatewayTracing.EndPhase(dialSpan, nameof(UpstreamOutcomeKind.ClientAborted));
                // Cancelled by the client, or a failure that is not the upstream's (e.g. the session store).
                upstream.Runtime.Exit(failed: false);
                outcomes.Report(new UpstreamOutcome(upstream.Id, UpstreamOutcomeKind.ClientAborted, TimeSpan.Zero, 0, 0));
                SettleUnconfirmed(request);
                throw;
            }

            if (dialSpan is not null && result.IsSuccess && request.Tunnel is { } tunnel)
            {
                RecordHandshake(dialSpan, tunnel, route.AttemptCount, upstream.Id);
            }

            GatewayTracing.EndPhase(dialSpan, dialSpan is null || result.IsSuccess ? null : result.Kind.ToString());
            if (result.Delivered && request.Exchange == ExchangeKind.Forward)
            {
                // The response bytes that reached the client (a tunnel's are counted by its relay, see TunnelEnded).
                request.BytesToClient = result.BytesToClient;
            }

            if (result.IsSuccess)
            {
                OnServed(request, upstream, result);
                return null;
            }

            GatewayLog.AttemptFailed(logger, route.AttemptCount, upstream.Id, result.Kind);
            if (result.Kind == UpstreamOutcomeKind.ClientAborted)
            {
                upstream.Runtime.Exit(failed: false);
                Report(upstream.Id, result.Kind, result);
                SettleUnconfirmed(request);
                request.ErrorCode = GatewayErrorCode.UpstreamFailed;
                return null;
            }

            bool mayRetry = request.MayRetry && result.Repeatable && !result.Delivered;
            if (result.Evidence is FailureEvidence.Upstream or FailureEvidence.UpstreamUnconfirmed)
            {
                if (result.Evidence == FailureEvidence.UpstreamUnconfirmed)
                {
                    // Acted on like the upstream's own failure (the request fails over as far as it may: with several
                    // broken upstreams in a pool, two of them failing on one target says nothing about the target), but
                    // the target could be behind it: charged once another upstream serves the target (OnServed), never
                    // when none does. Nothing of the answer has reached the client (see UpstreamUnconfirmed).
                    upstream.Runtime.Exit(failed: false);
                    targetFailures.RecordFailure(request.TargetHost, request.TargetPort, upstream.Id);
                    request.AddPending(new PendingFailure(upstream.Id, result.Kind, result.Evidence, result.Latency, result.Reason, result.SocksReply), _maxAttempts);
                }
                else
                {
                    upstream.Runtime.Exit(failed: true);
                    Report(upstream.Id, result.Kind, result);
                }

                if (result.Delivered)
                {
                    // Response bytes reached the client: nothing left to answer.
                    SettleUnconfirmed(request);
                    request.ErrorCode = GatewayErrorCode.UpstreamFailed;
                    return null;
                }

                lastAnswer = GatewayAnswer.For(result.Kind == UpstreamOutcomeKind.UpstreamTimeout ? GatewayFailure.UpstreamTimeout : GatewayFailure.UpstreamFailed);
                if (mayRetry && router.TryRenewVendorSession(route, upstream))
                {
                    continue;
                }

                if (!router.MayFailOver(route))
                {
                    SettleUnconfirmed(request);
                    return GatewayAnswer.For(GatewayFailure.SessionLost);
                }

                if (!mayRetry)
                {
                    return SettleUnconfirmed(request) ?? lastAnswer;
                }

                continue;
            }

            // The target's fault, or either side's: not charged until another upstream settles it.
            upstream.Runtime.Exit(failed: false);
            bool confirmed = request.HasPendingFromOther(upstream.Id)
                | targetFailures.RecordFailure(request.TargetHost, request.TargetPort, upstream.Id);
            if (result.Delivered)
            {
                // The origin's own answer went to the client unchanged: nobody is charged for it.
                Report(upstream.Id, UpstreamOutcomeKind.TargetError, result);
                SettleAsTarget(request, confirmed);
                return null;
            }

            request.AddPending(new PendingFailure(upstream.Id, result.Kind, result.Evidence, result.Latency, result.Reason, result.SocksReply), _maxAttempts);
            if (confirmed || !mayRetry || HoldsSession(route))
            {
                return SettleAsTarget(request, confirmed);
            }
        }
    }

    /// <summary>
    /// Whether a forwarded request should hold back an unexplained 502/503/504 so another upstream can be asked: only
    /// while one more attempt may follow and no other upstream has already failed on this target (in this request or
    /// recently). Otherwise the answer passes through unchanged (it may well be the origin's own).
    /// </summary>
    public bool WantsSecondOpinion(GatewayRequest request, UpstreamProxy upstream) =>
        request.MayRetry
        && !HoldsSession(request.Route!)
        && !request.HasPendingFromOther(upstream.Id)
        && !targetFailures.WouldConfirm(request.TargetHost, request.TargetPort, upstream.Id);

    /// <summary>
    /// Nothing served the request because of a targeting parameter: every matching backconnect upstream's dialect refused
    /// it, or (state, asn) only backconnect upstreams could honour it and none here can. 400 naming the parameter.
    /// </summary>
    private static GatewayAnswer? Untranslatable(UpstreamRoute route, GatewayFailure failure)
    {
        if (failure != GatewayFailure.NoUpstream || route.AttemptCount > 0)
        {
            return null;
        }

        if (route.FirstRefusal is { } refusal)
        {
            return GatewayAnswer.Untranslatable(refusal);
        }

        return route.Query.BackconnectOnly
            ? GatewayAnswer.Untranslatable(new TargetingError(route.Targeting.State is not null ? "state" : "asn", "only backconnect gateways whose dialect has it can"))
            : null;
    }

    /// <summary>A request on its session's own upstream does not move to another exit for a failure that may be the target's.</summary>
    public static bool HoldsSession(UpstreamRoute route) => route.Session is not null && !route.SessionAbandoned;

    private void OnServed(GatewayRequest request, UpstreamProxy upstream, in AttemptResult result)
    {
        if (request.Exchange == ExchangeKind.Forward)
        {
            upstream.Runtime.Exit(failed: false);
            Report(upstream.Id, UpstreamOutcomeKind.Success, result);
        }

        // The tunnel's own outcome is reported when it ends (RequestPipeline.Complete), with its bytes.
        if (request.PendingCount > 0)
        {
            // An upstream failed where this one served the same target: that failure was its own.
            foreach (PendingFailure pending in request.Pending)
            {
                UpstreamOutcomeKind kind = pending.Kind == UpstreamOutcomeKind.TargetError ? UpstreamOutcomeKind.UpstreamError : pending.Kind;
                outcomes.Report(new UpstreamOutcome(pending.UpstreamId, kind, pending.Latency, 0, 0));
            }

            request.ClearPending();
        }

        targetFailures.Forget(request.TargetHost, request.TargetPort);
    }

    /// <summary>Two upstreams failed on the target (or the target is known to fail, or no one else can be asked).</summary>
    private GatewayAnswer? SettleAsTarget(GatewayRequest request, bool confirmed)
    {
        if (confirmed && request.PendingCount > 0)
        {
            targetFailures.RecordConfirmed(request.TargetHost, request.TargetPort, request.Pending[0].UpstreamId);
        }

        return SettleUnconfirmed(request, confirmed);
    }

    /// <summary>
    /// Ends the undecided failures, reporting them as the target's (nobody is charged); returns the answer they call for
    /// (null when there were none): <c>target-unreachable</c> when an upstream reported the target failing or two
    /// upstreams failed on it, else a plain 502 that says the blame could not be settled.
    /// </summary>
    private GatewayAnswer? SettleUnconfirmed(GatewayRequest request, bool confirmed = false)
    {
        if (request.PendingCount == 0)
        {
            return null;
        }

        confirmed |= request.HasPendingFromOther(request.Pending[0].UpstreamId);
        GatewayAnswer? answer = null;
        foreach (PendingFailure pending in request.Pending)
        {
            outcomes.Report(new UpstreamOutcome(pending.UpstreamId, UpstreamOutcomeKind.TargetError, pending.Latency, 0, 0));
            if (answer is null && (pending.Evidence == FailureEvidence.Target || confirmed))
            {
                answer = GatewayAnswer.TargetUnreachable(pending.Reason ?? "it failed through two upstreams", pending.SocksReply);
            }
        }

        if (answer is null)
        {
            // What the client is told is what happened (a timeout stays a 504), with no one blamed for it.
            PendingFailure last = request.Pending[request.PendingCount - 1];
            bool timedOut = last.Kind == UpstreamOutcomeKind.UpstreamTimeout;
            answer = GatewayAnswer.For(timedOut ? GatewayFailure.UpstreamTimeout : GatewayFailure.UpstreamFailed, last.SocksReply) with
            {
                Message = timedOut
                    ? "the upstream did not answer in time, and no other upstream could tell whether the target or the upstream was at fault"
                    : "the upstream failed, and no other upstream could tell whether the target or the upstream was at fault",
            };
        }

        request.ClearPending();
        return answer;
    }

    /// <summary>
    /// The upstream's CONNECT or SOCKS5 handshake as a child of the dial span, placed after the TCP connect by the
    /// times the connector measured (it runs in Core, which knows nothing of tracing).
    /// </summary>
    private void RecordHandshake(Activity dialSpan, UpstreamConnection tunnel, int attempt, long upstreamId)
    {
        if (tracing?.StartPhase(dialSpan, GatewayTracePhase.UpstreamHandshake, attempt, upstreamId) is not { } handshake)
        {
            return;
        }

        DateTime start = dialSpan.StartTimeUtc + tunnel.ConnectTime;
        handshake.SetStartTime(start);
        handshake.SetEndTime(start + tunnel.HandshakeTime);
        GatewayTracing.EndPhase(handshake);
    }

    private void Report(long upstreamId, UpstreamOutcomeKind kind, in AttemptResult result) =>
        outcomes.Report(new UpstreamOutcome(upstreamId, kind, result.Latency, result.BytesFromClient, result.BytesToClient));
}
