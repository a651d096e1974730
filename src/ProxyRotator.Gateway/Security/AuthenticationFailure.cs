using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Gateway.Security;

/// <summary>
/// The result of a failed authentication: the kind, and for <see cref="AuthenticationFailureKind.BadTargeting"/> the
/// parameter at fault. Never carries the password.
/// </summary>
public readonly record struct AuthenticationFailure(AuthenticationFailureKind Kind, TargetingError? TargetingError = null)
{
    public static AuthenticationFailure None => default;

    public static AuthenticationFailure BadCredentials => new(AuthenticationFailureKind.BadCredentials);

    /// <summary>A message safe to show the client (e.g. in a 400 body).</summary>
    public string Message => Kind switch
    {
        AuthenticationFailureKind.None => string.Empty,
        AuthenticationFailureKind.BadCredentials => "proxy authentication required",
        AuthenticationFailureKind.BadTargeting when TargetingError is { } error => $"bad targeting parameter '{error.Parameter}': {error.Message}",
        AuthenticationFailureKind.BadTargeting => "bad targeting parameter",
        AuthenticationFailureKind.PoolNotAllowed => "this account may not use the pool asked for",
        AuthenticationFailureKind.Throttled => "too many failed logins from this address; retry later",
        _ => "authentication failed",
    };
}
