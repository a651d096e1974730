namespace ProxyRotator.Core.Sessions;

/// <summary>
/// Sticky sessions shared by several instances through one database (PostgreSQL only; a single SQLite instance
/// registers none and stays in memory). Called only where memory has no answer: a session this instance does not
/// hold, and the first bind of a new one. Each call is one round trip bounded by <c>sessions.sharedTimeout</c>;
/// when the database does not answer in time the instance serves from memory and writes behind, as on SQLite.
/// Whatever the calls return is also put in the instance's memory table, so later requests find it there.
/// </summary>
public interface ISharedSessionBinding
{
    /// <summary>
    /// The session another instance bound, or null. "Not found" is remembered briefly, so a flood of requests for
    /// unknown ids does not become a flood of queries.
    /// </summary>
    ValueTask<StickySession?> FindAsync(string account, string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Offers a new session to the shared store; the first writer wins (<c>INSERT … ON CONFLICT DO NOTHING</c>, an
    /// expired leftover row counting as free). Returns the binding that holds: <paramref name="proposed"/>, or the
    /// one another instance stored first, which the caller follows.
    /// </summary>
    ValueTask<StickySession> BindAsync(StickySession proposed, CancellationToken cancellationToken);
}
