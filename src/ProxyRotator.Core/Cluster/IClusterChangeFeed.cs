namespace ProxyRotator.Core.Cluster;

/// <summary>
/// Tells the other instances that share the database about a runtime change. <see cref="Publish"/> never waits:
/// the change is queued and sent in the background (on PostgreSQL: a row in a change log plus <c>NOTIFY</c>, so a
/// listener that missed the notification still finds it by polling). On SQLite (one instance) nothing is sent.
/// Receiving instances hand each change to every registered <see cref="IClusterChangeHandler"/>; an instance never
/// receives its own changes.
/// </summary>
public interface IClusterChangeFeed
{
    void Publish(in ClusterChange change);
}
