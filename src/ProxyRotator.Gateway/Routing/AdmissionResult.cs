using ProxyRotator.Core.Accounts;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.Gateway.Routing;

/// <summary>Whether a client may use the gateway, and with what targeting.</summary>
public sealed class AdmissionResult
{
    private AdmissionResult()
    {
    }

    public bool IsAdmitted => Targeting is not null;

    public AuthenticationFailure Failure { get; private init; }

    public TargetingParameters? Targeting { get; private init; }

    /// <summary>Refused because the client sent no credentials at all (not wrong ones).</summary>
    public bool CredentialsMissing { get; private init; }

    /// <summary>The admitted account (limits, usage totals); null when refused or admitted without one (tests).</summary>
    public AccountEntry? Account { get; private init; }

    /// <summary>Pools the account may use.</summary>
    public PoolAccess PoolAccess { get; private init; } = PoolAccess.All;

    /// <summary>Safe to show to the client: never contains the password.</summary>
    public string Message => Failure.Message;

    /// <summary>For a throttled client: how long its cool-down still lasts (the <c>Retry-After</c> of the 429).</summary>
    public TimeSpan RetryAfter { get; private init; }

    public static AdmissionResult Admitted(TargetingParameters targeting, PoolAccess poolAccess) =>
        new() { Targeting = targeting, PoolAccess = poolAccess };

    public static AdmissionResult Admitted(TargetingParameters targeting, AccountEntry account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new() { Targeting = targeting, PoolAccess = account.Pools, Account = account };
    }

    public static AdmissionResult Refused(AuthenticationFailure failure) => new() { Failure = failure };

    public static AdmissionResult RefusedWithoutCredentials() => new() { Failure = AuthenticationFailure.BadCredentials, CredentialsMissing = true };

    public static AdmissionResult Throttled(TimeSpan retryAfter) =>
        new() { Failure = new AuthenticationFailure(AuthenticationFailureKind.Throttled), RetryAfter = retryAfter };

    /// <summary>Whole seconds for <c>Retry-After</c>, at least 1.</summary>
    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}
