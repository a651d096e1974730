namespace ProxyRotator.Core.Outcomes;

/// <summary>
/// Receives outcomes from the gateway's hot path. <see cref="Report"/> must not block or do I/O: implementations
/// update counters and queue work for a background writer.
/// </summary>
public interface IUpstreamOutcomeSink
{
    void Report(in UpstreamOutcome outcome);
}
