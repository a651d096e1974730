using ProxyRotator.Core.Pool;

namespace ProxyRotator.Store.Entities;

/// <summary>A named pool of upstreams. Pools are created by configuration sync and never deleted.</summary>
public sealed class PoolEntity
{
    public int Id { get; set; }
    public required string Name { get; set; }

    /// <summary>The default type of the pool's upstreams that do not declare their own.</summary>
    public UpstreamType Type { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public List<UpstreamEntity> Upstreams { get; set; } = [];
    public List<ProviderSourceEntity> ProviderSources { get; set; } = [];

    public override string ToString() => $"pool #{Id} {Name} ({Type})";
}
