namespace ProxyRotator.Store.Entities;

/// <summary>A provider API feeding a pool, with the outcome of its last sync.</summary>
public sealed class ProviderSourceEntity
{
    public int Id { get; set; }
    public int PoolId { get; set; }
    public PoolEntity? Pool { get; set; }
    public required string Name { get; set; }

    /// <summary>The provider's list URL. API keys are never stored here (they stay in the configuration).</summary>
    public required string Url { get; set; }
    public DateTimeOffset? LastSyncAt { get; set; }
    public DateTimeOffset? LastSuccessAt { get; set; }
    public string? LastError { get; set; }

    /// <summary>How many upstreams the last successful sync listed.</summary>
    public int? LastCount { get; set; }

    public override string ToString() => $"provider {Name} of pool #{PoolId}";
}
