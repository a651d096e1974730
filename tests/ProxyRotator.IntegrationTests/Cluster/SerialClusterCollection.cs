namespace ProxyRotator.IntegrationTests.Cluster;

/// <summary>
/// Tests that start a whole <c>serve</c> process: its start-up takes both cores of a small machine for seconds, which
/// made the other cluster tests' timed waits fail when run beside it. They run after the parallel tests, alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialClusterCollection
{
    public const string Name = "Serial cluster";
}
