namespace ProxyRotator.Core.Sessions;

/// <summary>
/// Durable sticky sessions (they survive a restart of <c>serve</c>). Implementations keep a memory cache so the
/// gateway's lookups do not touch the database on every request.
/// </summary>
public interface ISessionStore
{
    ValueTask<StickySession?> GetAsync(string account, string sessionId, CancellationToken cancellationToken);

    /// <summary>Creates or replaces (rebinds) a session.</summary>
    ValueTask SaveAsync(StickySession session, CancellationToken cancellationToken);

    ValueTask<bool> RemoveAsync(string account, string sessionId, CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<StickySession>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Deletes sessions that expired before <paramref name="now"/>; returns how many.</summary>
    ValueTask<int> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
