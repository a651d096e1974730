using ProxyRotator.Core.Cluster;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Sessions;
using ProxyRotator.Store.Sessions;
using ProxyRotator.Store.Snapshots;

namespace ProxyRotator.Store.Cluster;

/// <summary>
/// Applies other instances' changes to this instance's pool and sessions: an upstream another instance took out of
/// rotation (quarantined, retired) stops being picked here at once, in memory; any status or membership change then
/// rebuilds the snapshot from the store once per batch (statuses and tags live in it); an ended session leaves the
/// session table.
/// </summary>
public sealed class SnapshotClusterChangeHandler(StorePoolSnapshotSource snapshots, StoreSessionStore sessions) : IClusterChangeHandler
{
    public async ValueTask HandleAsync(IReadOnlyList<ClusterChange> changes, CancellationToken cancellationToken)
    {
        bool rebuild = false;
        PoolSnapshot snapshot = snapshots.Current;
        foreach (ClusterChange change in changes)
        {
            switch (change.Kind)
            {
                case ClusterChangeKind.UpstreamStatus:
                    if (change.UpstreamId is { } id && change.Status is { } status
                        && status is not (UpstreamStatus.Active or UpstreamStatus.Pending)
                        && snapshot.TryGet(id, out UpstreamProxy? upstream))
                    {
                        upstream!.Load.Exclude();
                    }

                    rebuild = true;
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
