namespace ProxyRotator.Core.Cluster;

/// <summary>
/// Applies changes other instances published (<see cref="IClusterChangeFeed"/>). Register any number in DI; each
/// gets every batch and picks the kinds it cares about. Called from the feed's background loop, never on the
/// request path; a handler that throws is logged and the batch goes on to the next handler.
/// </summary>
public interface IClusterChangeHandler
{
    ValueTask HandleAsync(IReadOnlyList<ClusterChange> changes, CancellationToken cancellationToken);
}
