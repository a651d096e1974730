using System.Diagnostics;
using System.Net;

namespace ProxyRotator.Gateway.Pipeline;

/// <summary>
/// What one request or tunnel was and how it ended, for an access log or a trace. Never carries a credential.
/// </summary>
/// <param name="CompletedAt">When it ended.</param>
/// <param name="Client">The client's address, when known.</param>
/// <param name="Protocol">Absolute-form, CONNECT or SOCKS5.</param>
/// <param name="Account">The admitted account, or null when the client was not admitted.</param>
/// <param name="Targeting">The targeting in the username (session, country, …), without the account's password.</param>
/// <param name="TargetHost">The target host as the client named it.</param>
/// <param name="TargetPort">The target port.</param>
/// <param name="UpstreamId">The upstream that served it (or the last one tried).</param>
/// <param name="ExitIp">That upstream's last known exit address.</param>
/// <param name="HttpStatus">The status the client got (the origin's, or the gateway's own answer); 0 for a tunnel that was served.</param>
/// <param name="SocksReply">The SOCKS5 reply sent (0 on success); null for HTTP clients.</param>
/// <param name="ErrorCode">The <c>X-ProxyRotator-Error</c> code, null when served.</param>
/// <param name="BytesFromClient">Bytes relayed from the client towards the target.</param>
/// <param name="BytesToClient">Bytes relayed from the target to the client.</param>
/// <param name="Duration">From the request's head (or SOCKS5 greeting) to its end.</param>
/// <param name="Attempts">Upstream attempts made.</param>
/// <param name="SessionId">The sticky session id, if any.</param>
/// <param name="TargetUri">The absolute URI of a forwarded request (null for tunnels); may carry a path and query the access log only writes when asked to.</param>
/// <param name="UpstreamType">The type of <paramref name="UpstreamId"/>'s upstream, when one was picked.</param>
/// <param name="RequestSpan">The request's trace span (<see cref="GatewayRequest.Span"/>), null when tracing is off; the sink ends it.</param>
public readonly record struct RequestSummary(
    DateTimeOffset CompletedAt,
    IPEndPoint? Client,
    GatewayProtocol Protocol,
    string? Account,
    Core.Targeting.TargetingParameters? Targeting,
    string TargetHost,
    int TargetPort,
    long? UpstreamId,
    string? ExitIp,
    int HttpStatus,
    byte? SocksReply,
    string? ErrorCode,
    long BytesFromClient,
    long BytesToClient,
    TimeSpan Duration,
    int Attempts,
    string? SessionId,
    Uri? TargetUri = null,
    Core.Pool.UpstreamType? UpstreamType = null,
    Activity? RequestSpan = null);
