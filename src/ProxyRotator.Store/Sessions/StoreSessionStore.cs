using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using ProxyRotator.Core.Sessions;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Sessions;

/// <summary>
/// Durable sticky sessions: the database is the truth (sessions survive a restart), a memory cache loaded at start
/// answers the gateway's look-ups without I/O. Writes go to the database first, then to the cache. A cache miss
/// asks the database once, so a session created by another instance is found too.
/// </summary>
/// <remarks>
/// <see cref="GetAsync"/> and <see cref="ListAsync"/> hide sessions that have expired by the injected clock;
/// <see cref="RemoveExpiredAsync"/> deletes them. Every <see cref="SaveAsync"/> writes to the database, so callers
/// should not save on every request just to move <see cref="StickySession.LastUsedAt"/>.
/// </remarks>
public sealed class StoreSessionStore(IDbContextFactory<ProxyRotatorDbContext> contextFactory, TimeProvider timeProvider)
    : ISessionStore, IDisposable
{
    private readonly ConcurrentDictionary<string, StickySession> _cache = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Lock _loadLock = new();
    private Task? _load;

    /// <summary>Sessions currently held in memory (expired ones stay until swept).</summary>
    public int CachedCount => _cache.Count;

    /// <summary>Fills the cache from the database (once; later calls return the same task).</summary>
    public Task LoadAsync(CancellationToken cancellationToken)
    {
        Task? load = Volatile.Read(ref _load);
        if (load is null || load.IsFaulted || load.IsCanceled)
        {
            lock (_loadLock)
            {
                if (_load is null || _load.IsFaulted || _load.IsCanceled)
                {
                    // Shared by all callers, so it is not tied to one caller's token.
                    _load = LoadCoreAsync();
                }

                load = _load;
            }
        }

        return load.WaitAsync(cancellationToken);
    }

    public ValueTask<StickySession?> GetAsync(string account, string sessionId, CancellationToken cancellationToken)
    {
        Task? load = Volatile.Read(ref _load);
        if (load is { IsCompletedSuccessfully: true } && _cache.TryGetValue(StickySessionKey.Of(account, sessionId), out StickySession? cached))
        {
            return ValueTask.FromResult(cached.IsExpired(timeProvider.GetUtcNow()) ? null : cached);
        }

        return GetSlowAsync(account, sessionId, cancellationToken);
    }

    public async ValueTask SaveAsync(StickySession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);

        // SQLite's async API is synchronous underneath; the caller may be on a socket thread of the gateway.
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        await LoadAsync(cancellationToken).ConfigureAwait(false);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                StickySessionEntity? row = await db.StickySessions
                    .SingleOrDefaultAsync(s => s.Account == session.Account && s.SessionId == session.SessionId, cancellationToken)
                    .ConfigureAwait(false);
                if (row is null)
                {
                    row = new StickySessionEntity { Account = session.Account, SessionId = session.SessionId };
                    db.StickySessions.Add(row);
                }

                row.CopyFrom(session);
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }

            _cache[session.Key] = session;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async ValueTask<bool> RemoveAsync(string account, string sessionId, CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken).ConfigureAwait(false);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                int deleted = await db.StickySessions.Where(s => s.Account == account && s.SessionId == sessionId)
                    .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                bool cached = _cache.TryRemove(StickySessionKey.Of(account, sessionId), out _);
                return deleted > 0 || cached;
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async ValueTask<IReadOnlyList<StickySession>> ListAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = timeProvider.GetUtcNow();
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            List<StickySessionEntity> rows = await db.StickySessions.AsNoTracking()
                .Where(s => s.ExpiresAt > now)
                .OrderBy(s => s.CreatedAt).ThenBy(s => s.Id)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. rows.Select(r => r.ToSession())];
        }
    }

    public async ValueTask<int> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken).ConfigureAwait(false);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                int deleted = await db.StickySessions.Where(s => s.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                foreach (KeyValuePair<string, StickySession> entry in _cache)
                {
                    if (entry.Value.IsExpired(now))
                    {
                        _cache.TryRemove(entry);
                    }
                }

                return deleted;
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public void Dispose() => _writeGate.Dispose();

    private async ValueTask<StickySession?> GetSlowAsync(string account, string sessionId, CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        await LoadAsync(cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = timeProvider.GetUtcNow();
        string key = StickySessionKey.Of(account, sessionId);
        if (_cache.TryGetValue(key, out StickySession? cached))
        {
            return cached.IsExpired(now) ? null : cached;
        }

        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            StickySessionEntity? row = await db.StickySessions.AsNoTracking()
                .SingleOrDefaultAsync(s => s.Account == account && s.SessionId == sessionId, cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                return null;
            }

            StickySession session = _cache.GetOrAdd(key, row.ToSession());
            return session.IsExpired(now) ? null : session;
        }
    }

    private async Task LoadCoreAsync()
    {
        DateTimeOffset now = timeProvider.GetUtcNow();
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(CancellationToken.None).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            List<StickySessionEntity> rows = await db.StickySessions.AsNoTracking().Where(s => s.ExpiresAt > now)
                .ToListAsync(CancellationToken.None).ConfigureAwait(false);
            foreach (StickySessionEntity row in rows)
            {
                // TryAdd: a session saved while loading is newer than what was read.
                _cache.TryAdd(StickySessionKey.Of(row.Account, row.SessionId), row.ToSession());
            }
        }
    }
}
