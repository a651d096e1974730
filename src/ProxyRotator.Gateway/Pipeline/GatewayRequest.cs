using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Upstreams;
using ProxyRotator.Gateway.Routing;

namespace ProxyRotator.Gateway.Pipeline;

/// <summary>
/// One client request or tunnel, as every front end translates it: who asked (client address, credentials), what
/// for (target host and port, a forwarded HTTP request or a tunnel), and what the pipeline's stages decided so far
/// (admission and targeting, the route, the upstream that served it, the answer). Stages read it; the pipeline
/// fills it in. One object per request: nothing else on the request path is allocated per stage.
/// </summary>
public sealed class GatewayRequest
{
    private PendingFailure[]? _pending;
    private IPEndPoint? _client;

    private GatewayRequest(GatewayProtocol protocol, IPEndPoint? client, long startTimestamp)
    {
        Protocol = protocol;
        _client = client;
        StartTimestamp = startTimestamp;
    }

    public GatewayProtocol Protocol { get; }

    public ExchangeKind Exchange => Protocol == GatewayProtocol.AbsoluteForm ? ExchangeKind.Forward : ExchangeKind.Tunnel;

    /// <summary>The client's address, when the transport knows it (made on first use for forwarded requests).</summary>
    public IPEndPoint? Client => _client ??= HttpContext?.Connection.RemoteIpAddress is { } address
        ? new IPEndPoint(address, HttpContext.Connection.RemotePort)
        : null;

    /// <summary>What the client sent to authenticate. A secret: never log it.</summary>
    public ClientCredentials Credentials { get; private set; }

    /// <summary>The admission stage's verdict (account, targeting, pools), once it ran.</summary>
    public AdmissionResult? Admission { get; internal set; }

    /// <summary>Target host as the client named it (no brackets around IPv6 literals).</summary>
    public string TargetHost { get; private set; } = string.Empty;

    public int TargetPort { get; private set; }

    /// <summary>
    /// The host the current attempt asks its upstream for: <see cref="TargetHost"/> unchanged (a remote upstream
    /// resolves it), or a checked address for a local upstream (<see cref="Security.UpstreamTargetResolver"/>).
    /// </summary>
    public string DialHost { get; internal set; } = string.Empty;

    /// <summary><see cref="TargetUri"/> with <see cref="DialHost"/> as its host (the Host header keeps the client's name).</summary>
    internal Uri? DialUri => TargetUri is null || DialHost.Length == 0 || DialHost == TargetHost
        ? TargetUri
        : new UriBuilder(TargetUri) { Host = DialHost }.Uri;

    /// <summary>The absolute URI of a forwarded request (null for tunnels).</summary>
    public Uri? TargetUri { get; private set; }

    /// <summary>The HTTP exchange of a forwarded request that Kestrel parsed (null for tunnels and relayed requests).</summary>
    public HttpContext? HttpContext { get; private set; }

    /// <summary>A forwarded request the gateway's own HTTP relay serves, outside Kestrel (null otherwise).</summary>
    internal HttpRelay.RelayedHttpRequest? Relayed { get; private set; }

    /// <summary>Response bytes (a head at least) reached the client: no other answer can follow.</summary>
    internal bool ResponseStarted => HttpContext?.Response.HasStarted ?? Relayed?.ResponseStarted ?? false;

    /// <summary>Routing state (targeting query, sticky session, upstreams tried), once routing began.</summary>
    public UpstreamRoute? Route { get; internal set; }

    /// <summary>The upstream that served the request, or the last one tried.</summary>
    public UpstreamProxy? Upstream { get; internal set; }

    /// <summary>
    /// The credentials the current attempt presents to its upstream: a backconnect dialect's vendor credentials for this
    /// targeting, or null for the upstream's own. A secret: never log it.
    /// </summary>
    public UpstreamCredentials? UpstreamCredentials { get; internal set; }

    /// <summary>The open tunnel through <see cref="Upstream"/> (tunnels only, after a successful dial).</summary>
    public UpstreamConnection? Tunnel { get; internal set; }

    /// <summary>A SOCKS5 UDP ASSOCIATE: routed to UDP-capable upstreams only; the target policy judges each datagram.</summary>
    public bool IsUdpAssociate { get; internal set; }

    /// <summary>The upstream's UDP association (UDP ASSOCIATE only, after a successful dial).</summary>
    public UpstreamUdpAssociation? UdpAssociation { get; internal set; }

    /// <summary>
    /// Exits this request's picks pass over (its site's bans, exits other accounts hold): set by a stage, null when
    /// there is nothing to avoid (the common case, which costs the pick nothing).
    /// </summary>
    public IUpstreamAvoidance? Avoidance { get; internal set; }

    /// <summary>The account's outbound rules when they have address rules (judged against addresses the gateway resolves), else null.</summary>
    internal Core.Policy.OutboundRules? AccountRules { get; set; }

    /// <summary>The gateway's own answer when it could not serve the request; null when it was served.</summary>
    public GatewayAnswer? Answer { get; internal set; }

    /// <summary>The HTTP status the client got from the origin (forwarded requests), 0 otherwise.</summary>
    public int ResponseStatus { get; internal set; }

    public long BytesFromClient { get; internal set; }

    public long BytesToClient { get; internal set; }

    /// <summary>Upstream attempts made.</summary>
    public int Attempts => Route?.AttemptCount ?? 0;

    /// <summary>The request's error code for metrics (served by an upstream that failed mid-way, or <see cref="Answer"/>'s code).</summary>
    public string? ErrorCode { get; internal set; }

    public long StartTimestamp { get; }

    /// <summary>The request's trace span, parent of its attempts' spans; null when tracing is off or not sampled.</summary>
    public Activity? Span { get; internal set; }

    /// <summary>The relay phase's span of a served tunnel (tracing on), from the dial's success to the relay's end.</summary>
    internal Activity? RelaySpan { get; set; }

    /// <summary>Sees a tunnel's relayed bytes as they pass (an account with a byte quota), else null.</summary>
    public Relay.IRelayByteMeter? TunnelMeter { get; internal set; }

    /// <summary>The account's concurrency permit, held until the request completes.</summary>
    internal System.Threading.RateLimiting.RateLimitLease? AccountLease { get; set; }

    /// <summary>Request body bytes read so far (forwarded requests), counted from the first attempt on.</summary>
    internal Http.ByteCounter? BodyRead { get; set; }

    /// <summary><c>scheme://authority</c> of <see cref="TargetUri"/>, for the forwarder.</summary>
    internal string DestinationPrefix { get; private set; } = string.Empty;

    /// <summary>Set by the failover loop before each attempt: another attempt may follow this one.</summary>
    internal bool MayRetry { get; set; }

    internal bool Completed { get; set; }

    internal int PendingCount { get; private set; }

    internal ReadOnlySpan<PendingFailure> Pending => _pending.AsSpan(0, PendingCount);

    public static GatewayRequest ForForward(HttpContext context, Uri target, long startTimestamp)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(target);
        return new GatewayRequest(GatewayProtocol.AbsoluteForm, client: null, startTimestamp)
        {
            HttpContext = context,
            TargetUri = target,
            DestinationPrefix = target.GetLeftPart(UriPartial.Authority),
            TargetHost = target.IdnHost,
            TargetPort = target.Port,
            Credentials = ClientCredentials.Basic(context.Request.Headers.ProxyAuthorization.ToString()),
        };
    }

    /// <summary>An absolute-form <c>http://</c> request the HTTP relay serves (see <see cref="HttpRelay.HttpRelayConnection"/>).</summary>
    internal static GatewayRequest ForRelay(HttpRelay.RelayedHttpRequest relayed, IPEndPoint? client, Uri target, long startTimestamp) =>
        new(GatewayProtocol.AbsoluteForm, client, startTimestamp)
        {
            Relayed = relayed,
            TargetUri = target,
            DestinationPrefix = target.GetLeftPart(UriPartial.Authority),
            TargetHost = target.IdnHost,
            TargetPort = target.Port,
            Credentials = ClientCredentials.Basic(relayed.ProxyAuthorization),
        };

    public static GatewayRequest ForTunnel(GatewayProtocol protocol, IPEndPoint? client, long startTimestamp)
    {
        if (protocol == GatewayProtocol.AbsoluteForm)
        {
            throw new ArgumentException("absolute-form requests are forwarded, not tunnelled", nameof(protocol));
        }

        return new GatewayRequest(protocol, client, startTimestamp);
    }

    internal void SetCredentials(ClientCredentials credentials) => Credentials = credentials;

    internal void SetTarget(string host, int port)
    {
        TargetHost = host;
        TargetPort = port;
    }

    /// <summary>Remembers a failure whose blame is not yet decided (see <see cref="FailureEvidence"/>).</summary>
    internal void AddPending(in PendingFailure failure, int capacity)
    {
        _pending ??= new PendingFailure[Math.Max(1, capacity)];
        if (PendingCount < _pending.Length)
        {
            _pending[PendingCount++] = failure;
        }
    }

    internal bool HasPendingFromOther(long upstreamId)
    {
        foreach (PendingFailure failure in Pending)
        {
            if (failure.UpstreamId != upstreamId)
            {
                return true;
            }
        }

        return false;
    }

    internal void ClearPending() => PendingCount = 0;
}
