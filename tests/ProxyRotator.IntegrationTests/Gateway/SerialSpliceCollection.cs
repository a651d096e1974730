namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>Tests that count the process's pipe descriptors: they run after the parallel tests, alone (curl's pipes would skew the count).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialSpliceCollection
{
    public const string Name = "Serial splice";
}
