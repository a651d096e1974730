using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Gateway.Routing;

/// <summary>Whether a client may use the gateway, and with what targeting.</summary>
public sealed class AdmissionResult
{
    private AdmissionResult()
    {
    }

    public bool IsAdmitted => Targeting is not null;

    /// <summary>True for malformed targeting (400 / RFC 1929 failure), false for missing or bad credentials (407).</summary>
    public bool IsBadTargeting { get; private init; }

    public TargetingParameters? Targeting { get; private init; }

    /// <summary>Pools the account may use; null or <c>*</c> means all.</summary>
    public IReadOnlyList<string>? PoolAccess { get; private init; }

    public string? Parameter { get; private init; }

    /// <summary>Safe to show to the client: never contains the password.</summary>
    public string Message { get; private init; } = string.Empty;

    public static AdmissionResult Admitted(TargetingParameters targeting, IReadOnlyList<string>? poolAccess) =>
        new() { Targeting = targeting, PoolAccess = poolAccess };

    public static AdmissionResult Denied(string message) => new() { Message = message };

    public static AdmissionResult BadTargeting(string? parameter, string message) =>
        new() { IsBadTargeting = true, Parameter = parameter, Message = message };
}
