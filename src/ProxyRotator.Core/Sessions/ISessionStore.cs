namespace ProxyRotator.Core.Sessions;

/// <summary>
/// Sticky sessions, held in memory: look-up, creation and rebinding never wait on a disk. Implementations persist
/// changes write-behind (batched, with a bounded delay) and load them at start, so a restart keeps every session
/// older than that delay.
/// </summary>
public interface ISessionStore
{
    /// <summary>Sessions held now, all accounts (expired ones count until they are swept).</summary>
    int Count { get; }

    /// <summary>Sessions one account holds now (expired ones count until they are swept).</summary>
    int CountFor(string account);

    /// <summary>Sessions that have not expired by <paramref name="now"/> (a scan of memory, for gauges and pages).</summary>
    int CountActive(DateTimeOffset now);

    ValueTask<StickySession?> GetAsync(string account, string sessionId, CancellationToken cancellationToken);

    /// <summary>Creates or replaces (rebinds) a session.</summary>
    ValueTask SaveAsync(StickySession session, CancellationToken cancellationToken);

    ValueTask<bool> RemoveAsync(string account, string sessionId, CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<StickySession>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Deletes sessions that expired before <paramref name="now"/>; returns how many.</summary>
    ValueTask<int> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
