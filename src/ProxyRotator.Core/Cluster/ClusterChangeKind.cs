namespace ProxyRotator.Core.Cluster;

/// <summary>What a <see cref="ClusterChange"/> tells the other instances.</summary>
public enum ClusterChangeKind
{
    /// <summary>An upstream's status changed (quarantine, retire, revive, operator action): <see cref="ClusterChange.UpstreamId"/> and <see cref="ClusterChange.Status"/>.</summary>
    UpstreamStatus,

    /// <summary>Upstreams were added, re-tagged or removed: rebuild the pool snapshot from the store.</summary>
    Membership,

    /// <summary>A sticky session was ended: <see cref="ClusterChange.Detail"/> holds its key (<c>account:sessionId</c>).</summary>
    SessionEnded,

    /// <summary>Accounts (credentials, pools, limits) changed: reload them. <see cref="ClusterChange.Detail"/> may name the account.</summary>
    Accounts,
}
