using System.Security.Cryptography;

namespace ProxyRotator.Core.Cluster;

/// <summary>
/// This process's identity among the instances sharing a database: host, process id and a random suffix (a
/// restarted process is a new instance). Marks the changes it publishes and the rows it owns.
/// </summary>
public sealed class ClusterInstance
{
    public const int MaxIdLength = 64;

    public ClusterInstance()
        : this($"{Environment.MachineName}-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}")
    {
    }

    public ClusterInstance(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        Id = id.Length > MaxIdLength ? id[^MaxIdLength..] : id;
    }

    public string Id { get; }

    public override string ToString() => Id;
}
