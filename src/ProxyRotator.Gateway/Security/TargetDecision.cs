namespace ProxyRotator.Gateway.Security;

/// <summary>The verdict of <see cref="TargetPolicy"/> on one target.</summary>
public readonly record struct TargetDecision(TargetRefusalReason Reason)
{
    public static TargetDecision Allow => default;

    public bool IsAllowed => Reason == TargetRefusalReason.None;

    /// <summary>A more specific text than the reason's (an outbound refusal names its rule); null for the reason's own.</summary>
    public string? Detail { get; init; }

    /// <summary>A short text safe to show the client.</summary>
    public string Message => Detail ?? Reason switch
    {
        TargetRefusalReason.None => "allowed",
        TargetRefusalReason.InvalidPort => "the target port is not allowed",
        TargetRefusalReason.InvalidHost => "the target host is malformed",
        TargetRefusalReason.Loopback => "loopback targets are not allowed",
        TargetRefusalReason.Private => "private-network targets are not allowed",
        TargetRefusalReason.LinkLocal => "link-local targets are not allowed",
        TargetRefusalReason.Unspecified => "the unspecified address is not a target",
        TargetRefusalReason.Multicast => "multicast targets are not allowed",
        TargetRefusalReason.Broadcast => "broadcast targets are not allowed",
        TargetRefusalReason.OwnEndpoint => "the gateway does not proxy to itself",
        TargetRefusalReason.OutboundRule => "an outbound rule forbids this target",
        _ => "the target is not allowed",
    };
}
