using ProxyRotator.Core.Targeting;
using ProxyRotator.Gateway.Routing;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.Gateway.Pipeline;

/// <summary>
/// The gateway's own answer to a request it could not serve, in one model that every front end renders into its
/// protocol: HTTP status + <c>X-ProxyRotator-Error</c> code + a short message safe to show, and the SOCKS5 reply.
/// Every mapping from a reason to an answer lives here (design §3), so a new reason is a one-line addition.
/// </summary>
public readonly record struct GatewayAnswer(int StatusCode, string ErrorCode, byte SocksReply, string Message)
{
    /// <summary>The answer for a routing or dialling failure; <paramref name="socksReply"/> overrides the default SOCKS5 reply.</summary>
    public static GatewayAnswer For(GatewayFailure failure, byte? socksReply = null) => failure switch
    {
        GatewayFailure.NoUpstream => new(503, GatewayErrorCode.NoUpstream, 0x03, "no upstream matches the targeting"),
        GatewayFailure.UpstreamTimeout => new(504, GatewayErrorCode.UpstreamTimeout, 0x04, "the upstream did not answer in time"),
        GatewayFailure.SessionLost => new(502, GatewayErrorCode.SessionLost, 0x05, "the strict session's exit is not available; the exit is never changed"),
        GatewayFailure.TargetUnreachable => TargetUnreachable("the upstream could not reach the target", socksReply),
        GatewayFailure.SessionLimit => new(429, GatewayErrorCode.SessionLimit, 0x02, "too many sticky sessions: reuse a session id or wait until one expires"),
        _ => new(502, GatewayErrorCode.UpstreamFailed, socksReply ?? 0x05, "every upstream attempt failed"),
    };

    /// <summary>The client was not admitted: 407 (with a challenge) for credentials, 400 for targeting, 403 for a pool; SOCKS5 fails RFC 1929.</summary>
    public static GatewayAnswer Refused(AdmissionResult refused) => refused.Failure.Kind == AuthenticationFailureKind.Throttled
        ? new(429, GatewayErrorCode.RateLimited, 0x02, "too many failed logins from this address: try again later") { RetryAfterSeconds = refused.RetryAfterSeconds }
        : Refused(refused.Failure);

    /// <summary>The answer for a failed authentication or targeting check (see <see cref="Refused(AdmissionResult)"/>).</summary>
    public static GatewayAnswer Refused(AuthenticationFailure failure) => failure.Kind switch
    {
        AuthenticationFailureKind.BadTargeting => new(400, GatewayErrorCode.BadTargeting, 0x02, failure.Message),
        AuthenticationFailureKind.PoolNotAllowed => new(403, GatewayErrorCode.PoolForbidden, 0x02, failure.Message),
        _ => new(407, GatewayErrorCode.AuthRequired, 0x02, failure.Message),
    };

    /// <summary>The target policy refused the target: 403 / SOCKS5 0x02 (not allowed by ruleset).</summary>
    public static GatewayAnswer TargetForbidden(string message) => new(403, GatewayErrorCode.TargetForbidden, 0x02, message);

    /// <summary>
    /// The target could not be reached (it does not resolve, refuses, resets or times out): 502 <c>target-unreachable</c>
    /// with the reason; SOCKS5 the upstream's own reply about the target, else 0x04 (host unreachable). No upstream is blamed.
    /// </summary>
    public static GatewayAnswer TargetUnreachable(string reason, byte? socksReply = null) =>
        new(502, GatewayErrorCode.TargetUnreachable, socksReply ?? 0x04, "the target could not be reached: " + reason);

    /// <summary>The gateway itself failed (a bug): 502 <c>internal-error</c>, SOCKS5 0x01 (general failure). No upstream is blamed.</summary>
    public static GatewayAnswer InternalError() => new(502, GatewayErrorCode.InternalError, 0x01, "the gateway failed to handle this request; the failure is logged");

    /// <summary>No upstream can express a targeting parameter (a backconnect dialect has no such parameter): 400 naming it.</summary>
    public static GatewayAnswer Untranslatable(TargetingError refusal) =>
        new(400, GatewayErrorCode.BadTargeting, 0x02, $"{refusal.Parameter}: no upstream here can honour it ({refusal.Message})");

    /// <summary>The account is over its request rate or its concurrent connections: 429 <c>rate-limited</c> with <c>Retry-After</c>, SOCKS5 0x02.</summary>
    public static GatewayAnswer RateLimited(string message, TimeSpan retryAfter) =>
        new(429, GatewayErrorCode.RateLimited, 0x02, message) { RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) };

    /// <summary>The account's byte quota for the day or month is spent: 403 <c>quota-exhausted</c>, SOCKS5 0x02.</summary>
    public static GatewayAnswer QuotaExhausted(string message) => new(403, GatewayErrorCode.QuotaExhausted, 0x02, message);

    public static GatewayAnswer BadRequest(string message) => new(400, GatewayErrorCode.BadRequest, 0x01, message);

    /// <summary>For a 429: the seconds the client should wait (<c>Retry-After</c>); 0 for none.</summary>
    public int RetryAfterSeconds { get; init; }

    /// <summary>407 answers carry <c>Proxy-Authenticate</c>.</summary>
    public bool IsChallenge => StatusCode == 407;
}
