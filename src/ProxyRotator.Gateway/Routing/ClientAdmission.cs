using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.Gateway.Routing;

/// <summary>
/// The one place where the gateway's protocols (Basic proxy auth, RFC 1929) turn client credentials into
/// targeting, so HTTP and SOCKS5 answer bad credentials and bad targeting alike.
/// </summary>
public sealed class ClientAdmission(ProxyAccountAuthenticator authenticator)
{
    public AdmissionResult AdmitBasic(string? proxyAuthorization) =>
        authenticator.TryParseBasic(proxyAuthorization ?? string.Empty, out TargetingParameters? targeting, out PoolAccess? access, out AuthenticationFailure failure)
            ? AdmissionResult.Admitted(targeting!, access ?? PoolAccess.All)
            : AdmissionResult.Refused(failure);

    /// <summary>RFC 1929 credentials as the client sent them (UTF-8).</summary>
    public AdmissionResult AdmitUtf8(ReadOnlySpan<byte> username, ReadOnlySpan<byte> password) =>
        authenticator.TryAuthenticateUtf8(username, password, out TargetingParameters? targeting, out PoolAccess? access, out AuthenticationFailure failure)
            ? AdmissionResult.Admitted(targeting!, access ?? PoolAccess.All)
            : AdmissionResult.Refused(failure);
}
