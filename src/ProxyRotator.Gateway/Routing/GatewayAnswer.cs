namespace ProxyRotator.Gateway.Routing;

/// <summary>The HTTP status, error code and SOCKS5 reply for each <see cref="GatewayFailure"/> (design §3).</summary>
public readonly record struct GatewayAnswer(int StatusCode, string ErrorCode, byte SocksReply, string Message)
{
    public static GatewayAnswer For(GatewayFailure failure, byte? socksReply = null) => failure switch
    {
        GatewayFailure.NoUpstream => new(503, GatewayErrorCode.NoUpstream, 0x03, "no upstream matches the targeting"),
        GatewayFailure.UpstreamTimeout => new(504, GatewayErrorCode.UpstreamTimeout, 0x04, "the upstream did not answer in time"),
        GatewayFailure.SessionLost => new(502, GatewayErrorCode.UpstreamFailed, 0x05, "the strict session's upstream is not available; the exit is never changed"),
        GatewayFailure.TargetUnreachable => new(502, GatewayErrorCode.UpstreamFailed, socksReply ?? 0x05, "the upstream could not reach the target"),
        GatewayFailure.SessionLimit => new(429, GatewayErrorCode.SessionLimit, 0x02, "too many sticky sessions: reuse a session id or wait until one expires"),
        GatewayFailure.TargetForbidden => new(403, GatewayErrorCode.TargetForbidden, 0x02, "the target resolves to an address that is not allowed"),
        _ => new(502, GatewayErrorCode.UpstreamFailed, 0x05, "every upstream attempt failed"),
    };
}
