namespace ProxyRotator.Gateway;

/// <summary>Values of the <c>X-ProxyRotator-Error</c> header on every error answer (design §3).</summary>
public static class GatewayErrorCode
{
    public const string AuthRequired = "auth-required";
    public const string BadTargeting = "bad-targeting";
    public const string NoUpstream = "no-upstream";
    public const string UpstreamFailed = "upstream-failed";
    public const string UpstreamTimeout = "upstream-timeout";
    public const string TargetForbidden = "target-forbidden";
    public const string HeaderTooLarge = "header-too-large";
    public const string BadRequest = "bad-request";
    public const string PoolForbidden = "pool-forbidden";
    public const string SessionUpstreamLost = "session-upstream-lost";

    /// <summary>A strict sticky session whose exit is gone (its upstream failed, or the vendor session holding it ended): 502.</summary>
    public const string SessionLost = "session-lost";
    public const string SessionLimit = "session-limit";
    public const string RateLimited = "rate-limited";

    /// <summary>The account's bytes per day or per month are spent (403; a running tunnel is cut).</summary>
    public const string QuotaExhausted = "quota-exhausted";

    /// <summary>A plaintext client on a listener that takes credentials only over TLS (<c>gateway.tls.plaintextAuth: false</c>).</summary>
    public const string TlsRequired = "tls-required";

    /// <summary>The target did not resolve, refused, reset or timed out; no upstream is blamed.</summary>
    public const string TargetUnreachable = "target-unreachable";

    /// <summary>The gateway failed on a request for a reason of its own (a bug); logged with its stack trace.</summary>
    public const string InternalError = "internal-error";
}
