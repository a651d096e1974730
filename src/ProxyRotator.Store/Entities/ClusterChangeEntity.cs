namespace ProxyRotator.Store.Entities;

/// <summary>
/// One entry of the change log several instances share (PostgreSQL): written with a <c>NOTIFY</c> by the instance
/// that made the change, read by the others when notified and by their fallback poll, deleted after
/// <see cref="Cluster.PostgresClusterChangeFeed.Retention"/>.
/// </summary>
public sealed class ClusterChangeEntity
{
    public long Id { get; set; }

    /// <summary>The publishing instance (<see cref="Core.Cluster.ClusterInstance.Id"/>): it skips its own entries.</summary>
    public required string InstanceId { get; set; }

    public required string Kind { get; set; }
    public long? UpstreamId { get; set; }
    public string? Status { get; set; }
    public string? Detail { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
