using System.Net;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.Gateway.Routing;

/// <summary>
/// The one place where the gateway's protocols (Basic proxy auth, RFC 1929) turn client credentials into
/// targeting, so HTTP and SOCKS5 answer bad credentials and bad targeting alike. Failed logins are counted per
/// client address (<see cref="AuthenticationThrottle"/>); a client in its cool-down is refused unchecked.
/// </summary>
public sealed class ClientAdmission(ProxyAccountAuthenticator authenticator, AuthenticationThrottle throttle)
{
    public AdmissionResult AdmitBasic(string? proxyAuthorization, IPAddress? client = null)
    {
        if (throttle.IsBlocked(client, out TimeSpan retryAfter))
        {
            return AdmissionResult.Throttled(retryAfter);
        }

        if (authenticator.TryParseBasic(proxyAuthorization ?? string.Empty, out TargetingParameters? targeting, out PoolAccess? access, out AuthenticationFailure failure))
        {
            return AdmissionResult.Admitted(targeting!, access ?? PoolAccess.All);
        }

        // A request without credentials is how browsers learn they need some (the 407); only a wrong guess counts.
        if (failure.Kind == AuthenticationFailureKind.BadCredentials && !string.IsNullOrEmpty(proxyAuthorization))
        {
            throttle.RecordFailure(client);
        }

        return AdmissionResult.Refused(failure);
    }

    /// <summary>RFC 1929 credentials as the client sent them (UTF-8).</summary>
    public AdmissionResult AdmitUtf8(ReadOnlySpan<byte> username, ReadOnlySpan<byte> password, IPAddress? client = null)
    {
        if (throttle.IsBlocked(client, out TimeSpan retryAfter))
        {
            return AdmissionResult.Throttled(retryAfter);
        }

        if (authenticator.TryAuthenticateUtf8(username, password, out TargetingParameters? targeting, out PoolAccess? access, out AuthenticationFailure failure))
        {
            return AdmissionResult.Admitted(targeting!, access ?? PoolAccess.All);
        }

        if (failure.Kind == AuthenticationFailureKind.BadCredentials)
        {
            throttle.RecordFailure(client);
        }

        return AdmissionResult.Refused(failure);
    }
}
