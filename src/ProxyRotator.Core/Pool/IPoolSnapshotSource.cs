namespace ProxyRotator.Core.Pool;

/// <summary>Hands out the current immutable pool snapshot; the hot path reads it without locks or I/O.</summary>
public interface IPoolSnapshotSource
{
    PoolSnapshot Current { get; }

    /// <summary>Asks for a rebuild from the store soon (after a change); returns when the new snapshot is live.</summary>
    Task RefreshAsync(CancellationToken cancellationToken);
}
