namespace ProxyRotator.Gateway.Security;

/// <summary>Why a client was not let through, which decides the answer (design §3).</summary>
public enum AuthenticationFailureKind
{
    None = 0,
    /// <summary>Missing, malformed or wrong credentials, or an unknown account: 407 / RFC 1929 failure.</summary>
    BadCredentials = 1,
    /// <summary>Right password, malformed targeting parameter: 400 naming it / RFC 1929 failure.</summary>
    BadTargeting = 2,
    /// <summary>Right password, but the <c>pool</c> asked for is not one the account may use: 403 / RFC 1929 failure.</summary>
    PoolNotAllowed = 3,
    /// <summary>Too many failed logins from the client's address: 429 <c>rate-limited</c> / RFC 1929 failure, unchecked.</summary>
    Throttled = 4,
}
