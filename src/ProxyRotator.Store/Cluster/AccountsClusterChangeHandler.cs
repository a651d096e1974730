using ProxyRotator.Core.Cluster;
using ProxyRotator.Store.Accounts;

namespace ProxyRotator.Store.Cluster;

/// <summary>Another instance changed accounts (<see cref="ClusterChangeKind.Accounts"/>): reload them now, not at the next poll.</summary>
public sealed class AccountsClusterChangeHandler(AccountTableLoader loader) : IClusterChangeHandler
{
    public async ValueTask HandleAsync(IReadOnlyList<ClusterChange> changes, CancellationToken cancellationToken)
    {
        foreach (ClusterChange change in changes)
        {
            if (change.Kind == ClusterChangeKind.Accounts)
            {
                await loader.RefreshIfChangedAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
        }
    }
}
