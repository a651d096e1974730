namespace ProxyRotator.Gateway.Security;

/// <summary>
/// What to ask one upstream for: <see cref="Host"/> is the client's host unchanged (a remote upstream resolves it) or
/// a checked address (a local upstream). Null when the target was refused (<see cref="Decision"/>) or its name does
/// not resolve (<see cref="Decision"/> allowed).
/// </summary>
public readonly record struct TargetResolution(string? Host, TargetDecision Decision)
{
    public static TargetResolution Unresolved => new(null, TargetDecision.Allow);

    public bool IsRefused => !Decision.IsAllowed;
}
