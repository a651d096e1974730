namespace ProxyRotator.Store.Sync;

/// <summary>What one sync changed. A repeated sync of the same input yields all zeros.</summary>
public sealed record PoolSyncResult(int Added, int Updated, int Retired)
{
    public static PoolSyncResult None { get; } = new(0, 0, 0);

    /// <summary>Pools created by this sync (not counted in <see cref="Added"/>, which counts upstreams).</summary>
    public int PoolsAdded { get; init; }

    /// <summary>Pools whose default type changed.</summary>
    public int PoolsUpdated { get; init; }

    public bool HasChanges => Added + Updated + Retired + PoolsAdded + PoolsUpdated > 0;

    public static PoolSyncResult operator +(PoolSyncResult left, PoolSyncResult right) =>
        new(left.Added + right.Added, left.Updated + right.Updated, left.Retired + right.Retired)
        {
            PoolsAdded = left.PoolsAdded + right.PoolsAdded,
            PoolsUpdated = left.PoolsUpdated + right.PoolsUpdated,
        };

    public PoolSyncResult Add(PoolSyncResult other) => this + other;

    public override string ToString() => $"added {Added}, updated {Updated}, retired {Retired}";
}
