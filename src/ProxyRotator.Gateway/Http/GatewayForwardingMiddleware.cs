using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using ProxyRotator.Gateway.Diagnostics;
using ProxyRotator.Gateway.Listening;
using ProxyRotator.Gateway.Routing;
using ProxyRotator.Gateway.Security;
using ProxyRotator.Gateway.Upstreams;
using Yarp.ReverseProxy.Forwarder;

namespace ProxyRotator.Gateway.Http;

/// <summary>
/// Serves absolute-form proxy requests (<c>GET http://host/path</c>) that reached Kestrel through a gateway
/// listener: authenticate, check the target, pick a fresh upstream (or the session's) for every request and
/// forward with YARP's <see cref="IHttpForwarder"/> through that upstream's pooled invoker, failing over while
/// nothing has reached the client. Requests from other listeners pass on to the next middleware.
/// </summary>
public sealed class GatewayForwardingMiddleware(
    RequestDelegate next,
    ClientAdmission admission,
    TargetPolicy targetPolicy,
    UpstreamRouter router,
    AttemptPipeline pipeline,
    IHttpForwarder forwarder,
    UpstreamHttpInvokerCache invokers,
    IPoolSnapshotSource pool,
    IUpstreamOutcomeSink outcomes,
    ProxyRotatorConfig config,
    TimeProvider timeProvider,
    GatewayMetrics metrics,
    UpstreamTargetResolver targets,
    ILogger<GatewayForwardingMiddleware> logger)
{
    private readonly ForwarderRequestConfig _requestConfig = new()
    {
        ActivityTimeout = config.Gateway.IdleTimeout,
        Version = HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        AllowResponseBuffering = false,
    };

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<GatewayConnectionFeature>() is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        string rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        if (!Uri.TryCreate(rawTarget, UriKind.Absolute, out Uri? target)
            || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)
            || HttpMethods.IsConnect(context.Request.Method))
        {
            await WriteErrorAsync(context, 400, GatewayErrorCode.BadRequest, "this is a proxy port: send absolute-form requests (GET http://host/path) or CONNECT").ConfigureAwait(false);
            return;
        }

        AdmissionResult admitted = admission.AdmitBasic(context.Request.Headers.ProxyAuthorization.ToString(), context.Connection.RemoteIpAddress);
        if (!admitted.IsAdmitted)
        {
            admission.LogRefused(admitted, "HTTP", context.Connection.RemoteIpAddress is { } ip ? new System.Net.IPEndPoint(ip, context.Connection.RemotePort) : null);
            (int status, string code) = admitted.HttpAnswer;
            if (status == 407)
            {
                context.Response.Headers.ProxyAuthenticate = GatewayHeaders.ProxyAuthenticateValue;
            }
            else if (status == 429)
            {
                context.Response.Headers.RetryAfter = admitted.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await WriteErrorAsync(context, status, code, admitted.Message).ConfigureAwait(false);
            return;
        }

        TargetDecision decision = targetPolicy.Evaluate(target.IdnHost, target.Port);
        if (!decision.IsAllowed)
        {
            GatewayLog.TargetRefused(logger, target.IdnHost, target.Port);
            await WriteErrorAsync(context, 403, GatewayErrorCode.TargetForbidden, decision.Message).ConfigureAwait(false);
            return;
        }

        // Drops the pooled connections of upstreams that left the pool (a no-op while the snapshot is unchanged).
        invokers.Prune(pool.Current);
        using UpstreamRoute route = await router.BeginAsync(admitted, context.RequestAborted).ConfigureAwait(false);
        var bodyRead = new ByteCounter();
        context.Request.Body = new ReadCountingStream(context.Request.Body, bodyRead, ownsInner: false);
        var state = new ForwardState(this, context, route, target, bodyRead);
        AttemptOutcome outcome = await pipeline.ExecuteAsync(static (s, ct) => s.Owner.AttemptAsync(s, ct), state, context.RequestAborted).ConfigureAwait(false);
        if (outcome.IsSuccess || context.Response.HasStarted)
        {
            metrics.RecordRequest(state.UsedPool ?? route.Query.Pool, outcome.IsSuccess ? null : GatewayErrorCode.UpstreamFailed);
            return;
        }

        GatewayLog.RequestFailed(logger, route.AttemptCount, outcome.Failure);
        GatewayAnswer answer = outcome.Answer;
        await WriteErrorAsync(context, answer.StatusCode, answer.ErrorCode, answer.Message).ConfigureAwait(false);
    }

    private async ValueTask<AttemptOutcome> AttemptAsync(ForwardState state, CancellationToken cancellationToken)
    {
        UpstreamRoute route = state.Route;
        HttpContext context = state.Context;
        PickResult pick = router.PickNext(route);
        if (pick.Upstream is not { } upstream)
        {
            return route.LastFailure is { } last && pick.Failure != GatewayFailure.SessionLost
                ? last with { Status = AttemptStatus.Final }
                : AttemptOutcome.Stop(pick.Failure);
        }

        TargetResolution resolution = await targets.ResolveAsync(upstream, state.Target.IdnHost, state.Target.Port, cancellationToken).ConfigureAwait(false);
        if (resolution.Host is not { } dialHost)
        {
            return TunnelDialer.TargetResolutionOutcome(resolution);
        }

        UpstreamHttpInvoker invoker = invokers.Get(upstream);
        bool lastAttempt = route.AttemptCount >= config.Gateway.MaxAttempts || !router.MayFailOver(route);
        bool expose = config.Gateway.ExposeUpstreamHeaders;
        using var firstByte = new CancellationTokenSource(config.Gateway.ResponseTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(firstByte.Token, cancellationToken);
        var transformer = new ForwardingTransformer(state.DialTarget(dialHost), invoker.ProxyAuthorization, firstByte, timeProvider,
            holdBackServerErrors: !lastAttempt, expose ? upstream.Id : null, expose ? route.SessionId : null,
            route.SessionId is null ? null : ct => router.CommitAsync(route, upstream, ct))
        { HostHeader = dialHost == state.Target.IdnHost ? null : state.Target.Authority };

        upstream.Load.Enter();
        long start = timeProvider.GetTimestamp();
        long bodyBefore = state.BodyRead.Count;
        ForwarderError error = await forwarder.SendAsync(context, state.DestinationPrefix, invoker.Invoker, _requestConfig, transformer, linked.Token).ConfigureAwait(false);
        TimeSpan latency = transformer.ResponseTimestamp != 0
            ? timeProvider.GetElapsedTime(start, transformer.ResponseTimestamp)
            : timeProvider.GetElapsedTime(start);
        long bodySent = state.BodyRead.Count - bodyBefore;

        if (error == ForwarderError.None && transformer.HeldBackStatus == 0)
        {
            upstream.Load.Exit(failed: false);
            outcomes.Report(new UpstreamOutcome(upstream.Id, UpstreamOutcomeKind.Success, latency, bodySent, transformer.ResponseBytes));
            await router.CommitAsync(route, upstream, cancellationToken).ConfigureAwait(false);
            state.UsedPool = upstream.PoolName;
            return AttemptOutcome.Success;
        }

        UpstreamOutcomeKind kind = Classify(error, transformer, firstByte, context);
        upstream.Load.Exit(failed: kind != UpstreamOutcomeKind.ClientAborted && kind != UpstreamOutcomeKind.TargetError);
        outcomes.Report(new UpstreamOutcome(upstream.Id, kind, latency, bodySent, 0));
        GatewayLog.AttemptFailed(logger, route.AttemptCount, upstream.Id, kind);

        if (kind == UpstreamOutcomeKind.ClientAborted || context.Response.HasStarted)
        {
            // Response bytes reached the client (or nobody is listening): never retry, nothing left to answer.
            return AttemptOutcome.Stop(GatewayFailure.UpstreamFailed);
        }

        ResetResponse(context);
        GatewayFailure failure = kind == UpstreamOutcomeKind.UpstreamTimeout ? GatewayFailure.UpstreamTimeout : GatewayFailure.UpstreamFailed;
        AttemptOutcome outcome = bodySent > 0 ? AttemptOutcome.Stop(failure)
            : !router.MayFailOver(route) ? AttemptOutcome.Stop(GatewayFailure.SessionLost)
            : AttemptOutcome.Retry(failure);
        route.LastFailure = outcome;
        return outcome;
    }

    private static UpstreamOutcomeKind Classify(ForwarderError error, ForwardingTransformer transformer, CancellationTokenSource firstByte, HttpContext context)
    {
        if (transformer.HeldBackStatus != 0)
        {
            return transformer.HeldBackStatus == 407 ? UpstreamOutcomeKind.UpstreamAuthRejected : UpstreamOutcomeKind.UpstreamError;
        }

        if (context.RequestAborted.IsCancellationRequested)
        {
            return UpstreamOutcomeKind.ClientAborted;
        }

        if (firstByte.IsCancellationRequested && transformer.ResponseTimestamp == 0)
        {
            return UpstreamOutcomeKind.UpstreamTimeout;
        }

        Exception? exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        return error switch
        {
            ForwarderError.RequestTimedOut => UpstreamOutcomeKind.UpstreamTimeout,
            ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyClient or ForwarderError.RequestCanceled
                or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled => UpstreamOutcomeKind.ClientAborted,
            _ when exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => UpstreamOutcomeKind.UpstreamConnectFailed,
            _ when exception is HttpRequestException { HttpRequestError: HttpRequestError.ProxyTunnelError or HttpRequestError.InvalidResponse } => UpstreamOutcomeKind.UpstreamProtocolError,
            _ when exception is HttpRequestException { InnerException: System.Net.Sockets.SocketException } => UpstreamOutcomeKind.UpstreamConnectFailed,
            _ => UpstreamOutcomeKind.UpstreamError,
        };
    }

    private static void ResetResponse(HttpContext context)
    {
        context.Features.Set<IForwarderErrorFeature>(null);
        context.Response.Clear();
    }

    private async Task WriteErrorAsync(HttpContext context, int statusCode, string errorCode, string message)
    {
        metrics.RecordRequest(null, errorCode);
        context.Response.StatusCode = statusCode;
        context.Response.Headers[GatewayHeaders.Error] = errorCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message + "\n", context.RequestAborted).ConfigureAwait(false);
    }

    private sealed class ForwardState(GatewayForwardingMiddleware owner, HttpContext context, UpstreamRoute route, Uri target, ByteCounter bodyRead)
    {
        public GatewayForwardingMiddleware Owner { get; } = owner;
        public HttpContext Context { get; } = context;
        public UpstreamRoute Route { get; } = route;
        public Uri Target { get; } = target;
        /// <summary>Request body bytes read so far (sent upstream).</summary>
        public ByteCounter BodyRead { get; } = bodyRead;
        public string DestinationPrefix { get; } = target.GetLeftPart(UriPartial.Authority);

        /// <summary>The target with the host a local upstream is handed (a checked address); the Host header keeps the name.</summary>
        public Uri DialTarget(string host) => host == Target.IdnHost ? Target : new UriBuilder(Target) { Host = host }.Uri;

        /// <summary>The pool of the upstream that served the request, for the metrics.</summary>
        public string? UsedPool { get; set; }
    }
}
