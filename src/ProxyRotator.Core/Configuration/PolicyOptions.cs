using ProxyRotator.Core.Policy;

namespace ProxyRotator.Core.Configuration;

/// <summary><c>policy</c>: outbound rules for everyone, ban avoidance per target site, exclusive exits (issue 13 §4-6).</summary>
public sealed class PolicyOptions
{
    /// <summary><c>policy.outbound</c>: rules every request must pass (accounts may add their own, <see cref="UserOptions.Outbound"/>).</summary>
    public OutboundRules Outbound { get; set; } = OutboundRules.None;

    public BanOptions Bans { get; set; } = new();

    public ExclusiveExitOptions Exclusive { get; set; } = new();
}
