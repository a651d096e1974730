using System.Runtime.CompilerServices;
using System.Net;
using Microsoft.AspNetCore.Http;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Upstreams;
using ProxyRotator.Gateway.Http;
using ProxyRotator.Gateway.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace ProxyRotator.Gateway.Pipeline;

/// <summary>
/// Forwards an absolute-form request through one upstream with YARP's <see cref="IHttpForwarder"/> and that upstream's
/// pooled invoker: absolute-form for <c>http://</c> targets of an HTTP upstream, otherwise over a tunnel the gateway's
/// own connector opened (see <see cref="UpstreamHttpInvoker"/>). Only an answer the upstream wrote itself is held back
/// for failover; the origin's own status passes through unchanged.
/// </summary>
internal sealed class ForwardExchange(
    IHttpForwarder forwarder,
    UpstreamHttpInvokerCache invokers,
    UpstreamRouter router,
    UpstreamSelector selector,
    IPoolSnapshotSource pool,
    FailoverLoop failover,
    ProxyRotatorConfig config,
    TimeProvider timeProvider,
    Policy.BanDetector? banDetector = null) : UpstreamExchange
{
    private readonly ForwarderRequestConfig _requestConfig = new()
    {
        ActivityTimeout = config.Gateway.IdleTimeout,
        Version = HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        AllowResponseBuffering = false,
    };

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<AttemptResult> TryAsync(GatewayRequest request, UpstreamProxy upstream, CancellationToken cancellationToken)
    {
        HttpContext context = request.HttpContext!;
        Uri target = request.TargetUri!;
        ByteCounter bodyRead = request.BodyRead ??= CountBody(context);
        UpstreamHttpInvoker invoker = invokers.Get(upstream, request.UpstreamCredentials);
        bool tunnelled = invoker.Tunnels(target.Scheme);
        using var firstByte = new CancellationTokenSource(config.Gateway.ResponseTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(firstByte.Token, cancellationToken);
        var transformer = new ForwardingTransformer(this, request, upstream, invoker.ProxyAuthorization, tunnelled, firstByte, timeProvider,
            config.Gateway.ExposeUpstreamHeaders);

        long start = timeProvider.GetTimestamp();
        long bodyBefore = bodyRead.Count;
        ForwarderError error = await forwarder.SendAsync(context, request.DestinationPrefix, tunnelled ? invoker.TunnelInvoker : invoker.Invoker,
            _requestConfig, transformer, linked.Token).ConfigureAwait(false);
        TimeSpan latency = transformer.ResponseTimestamp != 0
            ? timeProvider.GetElapsedTime(start, transformer.ResponseTimestamp)
            : timeProvider.GetElapsedTime(start);
        long bodySent = bodyRead.Count - bodyBefore;

        if (error == ForwarderError.None && !transformer.HeldBack.IsHeldBack)
        {
            request.ResponseStatus = context.Response.StatusCode;
            return transformer.PassedSuspect
                ? new AttemptResult(UpstreamOutcomeKind.TargetError, tunnelled ? FailureEvidence.Target : FailureEvidence.Unknown, latency, bodySent,
                    transformer.ResponseBytes, Delivered: true)
                : AttemptResult.Succeeded(latency, bodySent, transformer.ResponseBytes);
        }

        if (transformer.HeldBack.IsHeldBack)
        {
            ResetResponse(context);
            ResponseVerdict held = transformer.HeldBack;
            return new AttemptResult(held.Kind, held.Evidence, latency, bodySent, Reason: held.Reason, Repeatable: bodySent == 0);
        }

        AttemptResult failed = Classify(error, transformer, firstByte, context, latency, bodySent);
        if (!context.Response.HasStarted)
        {
            ResetResponse(context);
        }

        return failed;
    }

    /// <summary>
    /// Whose answer this is, for an absolute-form request through an HTTP upstream (a tunnelled request only ever gets
    /// the origin's answers): a 407 challenge the upstream looks to have written itself
    /// (<see cref="ResponseVerdict.ForProxyAuthenticationRequired"/>) or a 502/503/504 whose error header names the
    /// upstream is its failure only as claimed (<see cref="FailureEvidence.UpstreamUnconfirmed"/>: the origin could have
    /// written the same); a 502/503/504 whose header names the target is the target's; an unexplained one is held back
    /// only while a second upstream should be asked (<see cref="FailoverLoop.WantsSecondOpinion"/>). A claim is held back
    /// while a second upstream can be asked, or when the request holds a session (a vendor's "exit gone" is news for
    /// it); otherwise it passes through unchanged, as the origin's answer it may be.
    /// </summary>
    public ResponseVerdict Judge(GatewayRequest request, UpstreamProxy upstream, HttpResponseMessage response, out bool suspect)
    {
        suspect = false;
        int status = (int)response.StatusCode;
        ResponseVerdict claim;
        if (status == 407)
        {
            claim = ResponseVerdict.ForProxyAuthenticationRequired(
                response.Headers.ProxyAuthenticate.Count > 0, IsForwarded(response), HeaderEvidence(response, out _) == FailureEvidence.Upstream);
            if (!claim.IsHeldBack)
            {
                return default;
            }
        }
        else if (status is not (502 or 503 or 504))
        {
            return default;
        }
        else if (HeaderEvidence(response, out string? reason) is { } evidence)
        {
            if (evidence == FailureEvidence.Target)
            {
                return ResponseVerdict.Hold(UpstreamOutcomeKind.TargetError, evidence, reason);
            }

            claim = ResponseVerdict.Hold(status == 504 ? UpstreamOutcomeKind.UpstreamTimeout : UpstreamOutcomeKind.UpstreamError, FailureEvidence.UpstreamUnconfirmed, reason);
        }
        else if (AnotherCanSettleIt(request, upstream))
        {
            return ResponseVerdict.Hold(UpstreamOutcomeKind.UpstreamError, FailureEvidence.Unknown, $"the upstream answered {status}");
        }
        else
        {
            suspect = true;
            return default;
        }

        if (FailoverLoop.HoldsSession(request.Route!) || AnotherCanSettleIt(request, upstream))
        {
            return claim;
        }

        suspect = true;
        return default;
    }

    /// <summary>
    /// Through a tunnel every answer is the origin's own: a 5xx is evidence against the target, never the upstream, and
    /// so is a 407 (what another upstream's answer only claimed was its refusal of our credentials).
    /// </summary>
    public static bool TunnelledAnswerAccusesTarget(int status) => status is 407 or 502 or 503 or 504;

    /// <summary>What the first error header that says something known (<see cref="UpstreamErrorHeaders"/>) says; null when none does.</summary>
    private static FailureEvidence? HeaderEvidence(HttpResponseMessage response, out string? reason)
    {
        foreach (KeyValuePair<string, IEnumerable<string>> header in response.Headers)
        {
            if (!UpstreamErrorHeaders.IsEvidenceHeader(header.Key))
            {
                continue;
            }

            foreach (string value in header.Value)
            {
                if (UpstreamErrorHeaders.Classify(header.Key, value, out reason) is { } evidence)
                {
                    return evidence;
                }
            }
        }

        reason = null;
        return null;
    }

    /// <summary>A hop says it forwarded this answer: <c>Via</c>, or <c>Proxy-Status</c> with <c>received-status</c>.</summary>
    private static bool IsForwarded(HttpResponseMessage response) =>
        response.Headers.Via.Count > 0
        || (response.Headers.TryGetValues("Proxy-Status", out IEnumerable<string>? statuses) && statuses.Any(UpstreamErrorHeaders.SaysForwarded));

    /// <summary>The content to relay for the origin's answer: the same, or one whose body is watched for ban markers.</summary>
    public HttpContent WatchForBan(GatewayRequest request, UpstreamProxy upstream, HttpResponseMessage response) =>
        banDetector is null ? response.Content : banDetector.Watch(request.TargetHost, upstream, response);

    /// <summary>Binds a sticky session to the upstream whose answer is about to go out.</summary>
    public ValueTask CommitAsync(GatewayRequest request, UpstreamProxy upstream, CancellationToken cancellationToken) =>
        request.Route is { SessionId: not null } route ? router.CommitAsync(route, upstream, cancellationToken) : ValueTask.CompletedTask;

    /// <summary>
    /// Whether a second upstream should and can be asked about this answer (<see cref="FailoverLoop.WantsSecondOpinion"/>,
    /// and a pick that skips the upstreams tried so far would find one; asking is not a pick itself).
    /// </summary>
    private bool AnotherCanSettleIt(GatewayRequest request, UpstreamProxy upstream) =>
        failover.WantsSecondOpinion(request, upstream)
        && selector.HasAny(pool.Current, request.Route!.Query, request.Route.Tried, request.Route.Avoidance);

    private static ByteCounter CountBody(HttpContext context)
    {
        var counter = new ByteCounter();
        context.Request.Body = new ReadCountingStream(context.Request.Body, counter, ownsInner: false);
        return counter;
    }

    private static AttemptResult Classify(ForwarderError error, ForwardingTransformer transformer, CancellationTokenSource firstByte, HttpContext context, TimeSpan latency, long bodySent)
    {
        bool delivered = context.Response.HasStarted;
        bool repeatable = bodySent == 0;
        if (context.RequestAborted.IsCancellationRequested)
        {
            return new AttemptResult(UpstreamOutcomeKind.ClientAborted, FailureEvidence.Upstream, latency, bodySent, Delivered: delivered);
        }

        if (firstByte.IsCancellationRequested && transformer.ResponseTimestamp == 0)
        {
            // The upstream may be waiting on a target that never answers: charged once another upstream serves it.
            return new AttemptResult(UpstreamOutcomeKind.UpstreamTimeout, FailureEvidence.UpstreamUnconfirmed, latency, bodySent, Repeatable: repeatable);
        }

        Exception? exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        if (Find<UpstreamConnectException>(exception) is { } connectFailure)
        {
            // The tunnel under the request failed: the connector already said whose fault it was.
            return new AttemptResult(connectFailure.Kind, connectFailure.Evidence, latency, bodySent, Reason: connectFailure.Reason,
                SocksReply: (byte)connectFailure.SocksReply, Delivered: delivered, Repeatable: repeatable);
        }

        UpstreamOutcomeKind kind = error switch
        {
            ForwarderError.RequestTimedOut => UpstreamOutcomeKind.UpstreamTimeout,
            ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyClient or ForwarderError.RequestCanceled
                or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled => UpstreamOutcomeKind.ClientAborted,
            _ when exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => UpstreamOutcomeKind.UpstreamConnectFailed,
            _ when exception is HttpRequestException { HttpRequestError: HttpRequestError.ProxyTunnelError or HttpRequestError.InvalidResponse } => UpstreamOutcomeKind.UpstreamProtocolError,
            _ when exception is HttpRequestException { InnerException: System.Net.Sockets.SocketException } => UpstreamOutcomeKind.UpstreamConnectFailed,
            _ => UpstreamOutcomeKind.UpstreamError,
        };
        return new AttemptResult(kind, FailureEvidence.Upstream, latency, bodySent, Delivered: delivered, Repeatable: repeatable);
    }

    private static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static void ResetResponse(HttpContext context)
    {
        context.Features.Set<IForwarderErrorFeature>(null);
        context.Response.Clear();
    }
}
