using ProxyRotator.Core.Outcomes;

namespace ProxyRotator.Gateway;

/// <summary>The default <see cref="IUpstreamOutcomeSink"/> until pool health registers the real one.</summary>
internal sealed class DiscardingOutcomeSink : IUpstreamOutcomeSink
{
    public void Report(in UpstreamOutcome outcome)
    {
    }
}
