namespace ProxyRotator.Core.Cluster;

/// <summary>The feed of a single instance (SQLite): there is nobody to tell.</summary>
public sealed class NoClusterChangeFeed : IClusterChangeFeed
{
    public void Publish(in ClusterChange change)
    {
    }
}
