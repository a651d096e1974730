using ProxyRotator.Core.Pool;

namespace ProxyRotator.Store.Entities;

/// <summary>One stored status change of an upstream, with its reason and time.</summary>
public sealed class UpstreamStatusTransitionEntity
{
    public long Id { get; set; }
    public long UpstreamId { get; set; }

    /// <summary>Null for the status an upstream was created with.</summary>
    public UpstreamStatus? From { get; set; }
    public UpstreamStatus To { get; set; }
    public required string Reason { get; set; }
    public DateTimeOffset At { get; set; }

    public override string ToString() => $"upstream #{UpstreamId}: {From?.ToString() ?? "(new)"} -> {To} at {At:O} ({Reason})";
}
