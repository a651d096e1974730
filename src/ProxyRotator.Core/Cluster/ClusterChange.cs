using ProxyRotator.Core.Pool;

namespace ProxyRotator.Core.Cluster;

/// <summary>
/// One runtime change that every instance sharing the database must apply within seconds (see
/// <see cref="IClusterChangeFeed"/>). Small and free of secrets: it travels through the database.
/// </summary>
/// <param name="Kind">What changed.</param>
/// <param name="UpstreamId">The upstream, for <see cref="ClusterChangeKind.UpstreamStatus"/>.</param>
/// <param name="Status">The upstream's new status, for <see cref="ClusterChangeKind.UpstreamStatus"/>.</param>
/// <param name="Detail">A session key, an account name or a short reason (at most <see cref="MaxDetailLength"/> characters, never a password).</param>
public readonly record struct ClusterChange(ClusterChangeKind Kind, long? UpstreamId = null, UpstreamStatus? Status = null, string? Detail = null)
{
    public const int MaxDetailLength = 200;

    public static ClusterChange StatusChanged(long upstreamId, UpstreamStatus status) =>
        new(ClusterChangeKind.UpstreamStatus, upstreamId, status);

    public static ClusterChange MembershipChanged(string? reason = null) => new(ClusterChangeKind.Membership, Detail: reason);

    public static ClusterChange SessionEnded(string sessionKey) => new(ClusterChangeKind.SessionEnded, Detail: sessionKey);

    public static ClusterChange AccountsChanged(string? account = null) => new(ClusterChangeKind.Accounts, Detail: account);
}
