using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Gateway.Accounts;
using ProxyRotator.Gateway.Diagnostics;
using ProxyRotator.Gateway.Observability;
using ProxyRotator.Gateway.Relay;
using ProxyRotator.Gateway.Routing;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.Gateway.Pipeline;

/// <summary>
/// The gateway's one request pipeline. Every front end (absolute-form, CONNECT, SOCKS5) translates its protocol into
/// a <see cref="GatewayRequest"/>, calls <see cref="RunAsync"/>, renders the <see cref="GatewayAnswer"/> it returns
/// (or, for a tunnel, its success reply and the relay), and calls <see cref="Complete"/> once. The stages, each run
/// once for every protocol:
/// <list type="number">
/// <item>admission — credentials to account, targeting and pools (<see cref="Admit"/>; SOCKS5 runs it during its
/// handshake, before it knows the target);</item>
/// <item>the target policy;</item>
/// <item>the <see cref="IRequestStage"/>s registered in DI, in registration order (quotas, rate limits, rules…);</item>
/// <item>routing and sticky sessions (<see cref="UpstreamRouter"/>);</item>
/// <item>dialling with failover and blame by evidence (<see cref="FailoverLoop"/>, one loop for forwards and tunnels);</item>
/// <item>outcome accounting and metrics, the account's usage (<see cref="AccountUsageRecorder"/>), and the <see cref="IRequestCompletionSink"/> (<see cref="Complete"/>).</item>
/// </list>
/// </summary>
public sealed class RequestPipeline
{
    private readonly ClientAdmission _admission;
    private readonly TargetPolicy _targetPolicy;
    private readonly IRequestStage[] _stages;
    private readonly UpstreamRouter _router;
    private readonly FailoverLoop _failover;
    private readonly ForwardExchange _forward;
    private readonly HttpRelay.HttpRelayExchange? _relay;
    private readonly TunnelExchange _tunnel;
    private readonly IUpstreamOutcomeSink _outcomes;
    private readonly GatewayMetrics _metrics;
    private readonly IRequestCompletionSink? _completion;
    private readonly AccountUsageRecorder? _usage;
    private readonly GatewayTracing? _tracing;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RequestPipeline> _logger;
    private readonly SpendMeter? _spend;

    internal RequestPipeline(
        ClientAdmission admission,
        TargetPolicy targetPolicy,
        IEnumerable<IRequestStage> stages,
        UpstreamRouter router,
        FailoverLoop failover,
        ForwardExchange forward,
        TunnelExchange tunnel,
        IUpstreamOutcomeSink outcomes,
        GatewayMetrics metrics,
        IRequestCompletionSink completion,
        GatewayTracing? tracing,
        TimeProvider timeProvider,
        ILogger<RequestPipeline> logger,
        AccountUsageRecorder? usage = null,
        SpendMeter? spend = null,
        HttpRelay.HttpRelayExchange? relay = null)
    {
        _relay = relay;
        _usage = usage;
        _admission = admission;
        _targetPolicy = targetPolicy;
        _stages = [.. stages];
        _router = router;
        _failover = failover;
        _forward = forward;
        _tunnel = tunnel;
        _outcomes = outcomes;
        _metrics = metrics;
        _completion = completion is NoRequestCompletionSink ? null : completion;

        // Request spans only when something ends them: the completion sink receives them in the summary.
        _tracing = _completion is null ? null : tracing;
        _timeProvider = timeProvider;
        _logger = logger;
        _spend = spend;
    }

    /// <summary>Targets that recently failed through two upstreams (blame by evidence).</summary>
    public TargetFailureMemory TargetFailures => _failover.TargetFailures;

    public GatewayRequest CreateTunnelRequest(GatewayProtocol protocol, System.Net.IPEndPoint? client)
    {
        GatewayRequest request = GatewayRequest.ForTunnel(protocol, client, _timeProvider.GetTimestamp());
        request.Span = _tracing?.StartRequest(protocol == GatewayProtocol.Connect ? AccessLogProtocol.Connect : AccessLogProtocol.Socks5);
        return request;
    }

    public GatewayRequest CreateForwardRequest(Microsoft.AspNetCore.Http.HttpContext context, Uri target)
    {
        GatewayRequest request = GatewayRequest.ForForward(context, target, _timeProvider.GetTimestamp());
        request.Span = _tracing?.StartRequest(AccessLogProtocol.Http);
        return request;
    }

    /// <summary>A request the gateway's own HTTP relay read (absolute-form <c>http://</c>, outside Kestrel).</summary>
    internal GatewayRequest CreateRelayRequest(HttpRelay.RelayedHttpRequest relayed, System.Net.IPEndPoint? client, Uri target)
    {
        GatewayRequest request = GatewayRequest.ForRelay(relayed, client, target, _timeProvider.GetTimestamp());
        request.Span = _tracing?.StartRequest(AccessLogProtocol.Http);
        return request;
    }

    /// <summary>The admission stage: null when the client is admitted, else the refusal.</summary>
    public GatewayAnswer? Admit(GatewayRequest request, ClientCredentials credentials)
    {
        request.SetCredentials(credentials);
        return AdmitCore(request);
    }

    private GatewayAnswer? AdmitCore(GatewayRequest request)
    {
        ClientCredentials credentials = request.Credentials;
        AdmissionResult admitted = credentials.IsSocks
            ? _admission.AdmitUtf8(credentials.Username, credentials.Password, request.Client?.Address)
            : _admission.AdmitBasic(credentials.ProxyAuthorization, request.Client?.Address);
        request.Admission = admitted;
        if (admitted.IsAdmitted)
        {
            return null;
        }

        _admission.LogRefused(admitted, ProtocolName(request.Protocol), request.Client);
        return Refuse(request, GatewayAnswer.Refused(admitted));
    }

    /// <summary>Sets the target a tunnel asks for (SOCKS5 learns it after admission).</summary>
    public void SetTarget(GatewayRequest request, string host, int port) => request.SetTarget(host, port);

    /// <summary>
    /// Makes the request a SOCKS5 UDP ASSOCIATE: <see cref="RunAsync"/> then routes it to a <c>"udp": true</c> pool's
    /// upstream and opens that upstream's UDP association (<see cref="GatewayRequest.UdpAssociation"/>).
    /// </summary>
    public void SetUdpAssociate(GatewayRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.IsUdpAssociate = true;
        request.SetTarget("0.0.0.0", 0);
    }

    /// <summary>Whether any pool may carry UDP at all (else UDP ASSOCIATE is answered "command not supported" at once).</summary>
    public bool SupportsUdp => _router.AnyUdpPool;

    /// <summary>
    /// Runs the stages through dialling. Returns null when the request was served (a forwarded response was relayed, or
    /// <see cref="GatewayRequest.Tunnel"/> is open and the front end relays it), else the answer to render.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<GatewayAnswer?> RunAsync(GatewayRequest request, CancellationToken cancellationToken)
    {
        try
        {
            if (request.Admission is null && AdmitCore(request) is { } refused)
            {
                return refused;
            }

            if (request.Admission is not { IsAdmitted: true } admitted)
            {
                return request.Answer;
            }

            // A UDP association has no target of its own: the relay judges every datagram's destination.
            TargetDecision decision = request.IsUdpAssociate ? TargetDecision.Allow : _targetPolicy.Evaluate(request.TargetHost, request.TargetPort);
            if (!decision.IsAllowed)
            {
                GatewayLog.TargetRefused(_logger, request.TargetHost, request.TargetPort);
                return Refuse(request, GatewayAnswer.TargetForbidden(decision.Message));
            }

            foreach (IRequestStage stage in _stages)
            {
                if (await stage.InvokeAsync(request, cancellationToken).ConfigureAwait(false) is { } stageAnswer)
                {
                    return Refuse(request, stageAnswer);
                }
            }

            request.Route = await _router.BeginAsync(admitted, cancellationToken, request.IsUdpAssociate).ConfigureAwait(false);
            request.Route.Avoidance = request.Avoidance;
            GatewayAnswer? answer;
            try
            {
                answer = await _failover.RunAsync(request, ExchangeFor(request), cancellationToken).ConfigureAwait(false);
            }
            catch (ArgumentException)
            {
                // A target the upstream handshake cannot carry (the connector validates host names strictly).
                answer = GatewayAnswer.BadRequest("the target host is not a valid host name or address");
            }

            if (answer is { } failed)
            {
                GatewayLog.RequestAnswered(_logger, request.Attempts, failed.ErrorCode);
                return Refuse(request, failed);
            }

            if (request.Exchange == ExchangeKind.Tunnel && request.Span is not null)
            {
                request.RelaySpan = _tracing?.StartPhase(request.Span, GatewayTracePhase.Relay, request.Attempts, request.Upstream?.Id);
            }

            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A bug reached through a request (a stage, the router, an exchange): one clear answer to the client and
            // one log line with the stack, never an unhandled exception on the connection.
            GatewayLog.PipelineFailed(_logger, ex);
            return request.ResponseStarted ? null : Refuse(request, GatewayAnswer.InternalError());
        }
    }

    private UpstreamExchange ExchangeFor(GatewayRequest request) =>
        request.Exchange == ExchangeKind.Tunnel ? _tunnel
        : request.Relayed is not null ? _relay ?? throw new InvalidOperationException("a relayed request needs the HTTP relay's exchange")
        : _forward;

    /// <summary>The front end's relay of a served tunnel ended.</summary>
    public void TunnelEnded(GatewayRequest request, in RelayResult result)
    {
        GatewayTracing.EndPhase(request.RelaySpan, result.End == RelayEnd.UpstreamFailed ? GatewayErrorCode.UpstreamFailed : null);
        request.RelaySpan = null;
        request.BytesFromClient = result.BytesFromClient;
        request.BytesToClient = result.BytesToClient;
        if (result.End == RelayEnd.UpstreamFailed)
        {
            request.ErrorCode = GatewayErrorCode.UpstreamFailed;
        }
        else if (result.End == RelayEnd.QuotaExhausted)
        {
            request.ErrorCode = GatewayErrorCode.QuotaExhausted;
        }

        if (request.Upstream is { } upstream)
        {
            GatewayLog.TunnelEnded(_logger, upstream.Id, result.End, result.BytesFromClient, result.BytesToClient);
        }
    }

    /// <summary>
    /// Ends the request: releases a tunnel's upstream, reports its outcome, counts the request once in the metrics and
    /// tells the completion sink. Call it exactly once per request, whatever happened (later calls do nothing).
    /// </summary>
    public void Complete(GatewayRequest request)
    {
        if (request.Completed)
        {
            return;
        }

        request.Completed = true;
        GatewayTracing.EndPhase(request.RelaySpan); // a tunnel whose relay never reported its end
        request.Route?.Dispose();
        if (request.Exchange == ExchangeKind.Tunnel && request.Tunnel is not null && request.Upstream is { } upstream)
        {
            bool upstreamFault = request.ErrorCode == GatewayErrorCode.UpstreamFailed;
            upstream.Runtime.Exit(upstreamFault);
            _outcomes.Report(new UpstreamOutcome(upstream.Id, upstreamFault ? UpstreamOutcomeKind.UpstreamError : UpstreamOutcomeKind.Success,
                _timeProvider.GetElapsedTime(request.StartTimestamp), request.BytesFromClient, request.BytesToClient));
        }
        else if (request.Exchange == ExchangeKind.Forward && request.BodyRead is { } body)
        {
            request.BytesFromClient = body.Count;
        }

        string? errorCode = request.Answer?.ErrorCode ?? request.ErrorCode;
        if (request.Answer is null && request.Upstream is { } served && _spend is not null)
        {
            _spend.Record(request.Admission?.Targeting?.Account, served, request.BytesFromClient + request.BytesToClient);
        }

        string? pool = request.Answer is null ? request.Upstream?.PoolName : request.Route?.Query.Pool;
        _metrics.RecordRequest(pool, errorCode);
        _usage?.Complete(request, pool, errorCode);
        if (_completion is not null)
        {
            _completion.OnCompleted(Summarize(request, errorCode));
        }
    }

    private RequestSummary Summarize(GatewayRequest request, string? errorCode)
    {
        bool socks = request.Protocol == GatewayProtocol.Socks5;
        int status = request.Answer is { } answer ? (socks ? 0 : answer.StatusCode)
            : request.Exchange == ExchangeKind.Forward ? request.ResponseStatus
            : socks ? 0 : 200;
        byte? socksReply = socks ? (request.Answer is { } refused ? refused.SocksReply : (byte)0) : null;
        return new RequestSummary(
            _timeProvider.GetUtcNow(),
            request.Client,
            request.Protocol,
            request.Admission?.Targeting?.Account,
            request.Admission?.Targeting,
            request.TargetHost,
            request.TargetPort,
            request.Upstream?.Id,
            request.Upstream?.ExitIp,
            status,
            socksReply,
            errorCode,
            request.BytesFromClient,
            request.BytesToClient,
            _timeProvider.GetElapsedTime(request.StartTimestamp),
            request.Attempts,
            request.Admission?.Targeting?.SessionId,
            request.TargetUri,
            request.Upstream?.Type,
            request.Span);
    }

    private static GatewayAnswer Refuse(GatewayRequest request, GatewayAnswer answer)
    {
        request.Answer = answer;
        return answer;
    }

    private static string ProtocolName(GatewayProtocol protocol) => protocol switch
    {
        GatewayProtocol.AbsoluteForm => "HTTP",
        GatewayProtocol.Connect => "CONNECT",
        _ => "SOCKS5",
    };
}
