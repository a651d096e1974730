using ProxyRotator.Core.Cluster;
using ProxyRotator.Health.Lifecycle;

namespace ProxyRotator.Health.Cluster;

/// <summary>
/// Hands status changes other instances decided and stored (quarantine, retire, revive, operator actions) to this
/// instance's one lifecycle entry point, <see cref="UpstreamLifecycle.ApplyRemoteStatus"/>: the runtime state the
/// selector reads changes at once, without deciding again and without a snapshot rebuild.
/// </summary>
public sealed class LifecycleClusterChangeHandler(UpstreamLifecycle lifecycle) : IClusterChangeHandler
{
    public ValueTask HandleAsync(IReadOnlyList<ClusterChange> changes, CancellationToken cancellationToken)
    {
        foreach (ClusterChange change in changes)
        {
            if (change is { Kind: ClusterChangeKind.UpstreamStatus, UpstreamId: { } id, Status: { } status })
            {
                lifecycle.ApplyRemoteStatus(id, status);
            }
        }

        return ValueTask.CompletedTask;
    }
}
