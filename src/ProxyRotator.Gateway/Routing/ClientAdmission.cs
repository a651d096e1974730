using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ProxyRotator.Core.Accounts;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.Gateway.Routing;

/// <summary>
/// The one place where the gateway's protocols (Basic proxy auth, RFC 1929) turn client credentials into
/// targeting, so HTTP and SOCKS5 answer bad credentials and bad targeting alike, and log a refusal alike. Failed
/// logins are counted per client address (<see cref="AuthenticationThrottle"/>); a client in its cool-down is
/// refused unchecked.
/// </summary>
public sealed partial class ClientAdmission(ProxyAccountAuthenticator authenticator, AuthenticationThrottle throttle, ILogger<ClientAdmission>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<ClientAdmission>.Instance;

    public AdmissionResult AdmitBasic(string? proxyAuthorization, IPAddress? client = null)
    {
        if (throttle.IsBlocked(client, out TimeSpan retryAfter))
        {
            return AdmissionResult.Throttled(retryAfter);
        }

        // A request without credentials is how browsers learn they need some (the 407); only a wrong guess counts.
        // A client whose address is on an account's allow-list needs none.
        if (string.IsNullOrEmpty(proxyAuthorization))
        {
            return authenticator.TryAuthenticateAddress(client, out TargetingParameters? bound, out AccountEntry? boundAccount)
                ? AdmissionResult.Admitted(bound!, boundAccount!)
                : AdmissionResult.RefusedWithoutCredentials();
        }

        if (authenticator.TryParseBasic(proxyAuthorization, client, out TargetingParameters? targeting, out AccountEntry? account, out AuthenticationFailure failure))
        {
            return AdmissionResult.Admitted(targeting!, account!);
        }

        if (failure.Kind == AuthenticationFailureKind.BadCredentials)
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

        if (authenticator.TryAuthenticateUtf8(username, password, client, out TargetingParameters? targeting, out AccountEntry? account, out AuthenticationFailure failure))
        {
            return AdmissionResult.Admitted(targeting!, account!);
        }

        if (failure.Kind == AuthenticationFailureKind.BadCredentials)
        {
            throttle.RecordFailure(client);
        }

        return AdmissionResult.Refused(failure);
    }

    /// <summary>
    /// One line per refused client, so an operator can see why: protocol, client address, the answer and its reason.
    /// Never a username or password. A request without credentials (a browser's first try, answered 407 and then
    /// repeated with them) is only logged at Debug.
    /// </summary>
    public void LogRefused(AdmissionResult refused, string protocol, EndPoint? client)
    {
        ArgumentNullException.ThrowIfNull(refused);
        if (refused.IsAdmitted)
        {
            return;
        }

        string address = client?.ToString() ?? "unknown";
        string code = Pipeline.GatewayAnswer.Refused(refused).ErrorCode;
        if (refused.CredentialsMissing)
        {
            LogNoCredentials(_logger, protocol, address);
            return;
        }

        string reason = refused.Failure.Kind == AuthenticationFailureKind.BadCredentials ? "wrong username or password" : refused.Message;
        LogClientRefused(_logger, protocol, address, code, reason);
    }

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "{Protocol} client {Client} refused ({Code}): {Reason}")]
    private static partial void LogClientRefused(ILogger logger, string protocol, string client, string code, string reason);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Debug, Message = "{Protocol} client {Client} sent no credentials: asked for them (407)")]
    private static partial void LogNoCredentials(ILogger logger, string protocol, string client);
}
