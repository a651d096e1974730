using ProxyRotator.Core.Cluster;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Sessions;
using ProxyRotator.Store.Sessions;
using ProxyRotator.Store.Snapshots;

namespace ProxyRotator.Store.Cluster;

/// <summary>
/// Applies other instances' membership and session changes: new, re-tagged, retired or re-added upstreams rebuild
/// the pool snapshot from the store (once per batch); an ended session leaves the session table. Status changes
/// themselves go to the upstream lifecycle (<c>LifecycleClusterChangeHandler</c> in health), which sets the
/// runtime state the selector reads.
/// </summary>
public sealed class SnapshotClusterChangeHandler(StorePoolSnapshotSource snapshots, StoreSessionStore sessions) : IClusterChangeHandler
{
    public async ValueTask HandleAsync(IReadOnlyList<ClusterChange> changes, CancellationToken cancellationToken)
    {
        bool rebuild = false;
        foreach (ClusterChange change in changes)
        {
            switch (change.Kind)
            {
                case ClusterChangeKind.UpstreamStatus:
                    // The snapshot holds every upstream but the retired: leaving or re-entering it is a membership change.
                    rebuild |= change.Status is UpstreamStatus.Retired or UpstreamStatus.Pending;
                    break;
                case ClusterChangeKind.Membership:
                    rebuild = true;
                    break;
                case ClusterChangeKind.SessionEnded:
                    if (change.Detail is { } key && StickySessionKey.TryParse(key, out string? account, out string? sessionId))
                    {
                        sessions.Evict(account!, sessionId!);
                    }

                    break;
            }
        }

        if (rebuild)
        {
            await snapshots.RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
