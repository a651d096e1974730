using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.Gateway.Routing;

/// <summary>
/// The one place where the gateway's protocols (Basic proxy auth, RFC 1929) turn client credentials into
/// targeting, so HTTP and SOCKS5 answer bad credentials and bad targeting alike.
/// </summary>
public sealed class ClientAdmission(ProxyAccountAuthenticator authenticator, ProxyRotatorConfig config)
{
    public AdmissionResult AdmitBasic(string? proxyAuthorization)
    {
        if (string.IsNullOrEmpty(proxyAuthorization)
            || !ProxyAccountAuthenticator.TryParseBasic(proxyAuthorization, out string username, out string password))
        {
            return AdmissionResult.Denied("proxy authentication required");
        }

        return Admit(username, password);
    }

    public AdmissionResult Admit(string username, string password)
    {
        if (!authenticator.TryAuthenticate(username, password, out TargetingParameters? targeting, out AuthenticationFailure failure))
        {
            return failure.Kind == AuthenticationFailureKind.BadTargeting
                ? AdmissionResult.BadTargeting(failure.Parameter, failure.Message ?? "malformed targeting parameter")
                : AdmissionResult.Denied("wrong credentials");
        }

        UserOptions? user = config.Users.Find(u => string.Equals(u.Name, targeting!.Account, StringComparison.Ordinal));
        return AdmissionResult.Admitted(targeting!, user?.Pools);
    }
}
