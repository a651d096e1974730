using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using ProxyRotator.Core.Cluster;
using ProxyRotator.Core.Sessions;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Sessions;

/// <summary>
/// Sticky sessions with memory as the truth for the request path: look-up, creation, rebinding and ending change
/// only the memory table and note the change; <see cref="FlushAsync"/> (run by <see cref="SessionWriteBehind"/>
/// every second and on graceful shutdown) writes the noted changes to the database in batches. A locked or slow
/// database therefore delays persistence, never a client. <see cref="LoadAsync"/> fills the table at start.
/// </summary>
/// <remarks>
/// Several changes to one session before a flush collapse into its latest state. A flush that fails keeps its
/// changes (unless a newer one arrived meanwhile) and the next flush tries again. <see cref="GetAsync"/> and
/// <see cref="ListAsync"/> hide sessions that have expired by the injected clock; <see cref="RemoveExpiredAsync"/>
/// drops them from memory and has the next flush delete them from the database.
/// </remarks>
public sealed class StoreSessionStore(
    IDbContextFactory<ProxyRotatorDbContext> contextFactory, TimeProvider timeProvider, IClusterChangeFeed? clusterFeed = null)
    : ISessionStore, IDisposable
{
    /// <summary>Rows written per database transaction.</summary>
    public const int FlushBatchSize = 500;

    /// <summary>Capacity of the pending list kept for reuse after a flush (a second of a busy gateway's new sessions).</summary>
    private const int RetainedPendingCapacity = 1 << 16;

    // Keyed by (account, session id) rather than the "account:id" string: a new session per request would otherwise
    // build that string on every look-up and keep one more per session in memory (twice, with the pending write).
    private readonly SessionTable _sessions = new();
    private readonly ConcurrentDictionary<string, StrongBox<int>> _perAccount = new(StringComparer.Ordinal);

    // Changes noted since the last flush, in order, as structs in a list that is swapped out and reused by each flush:
    // a new session per request notes its write without one more long-lived object (a dictionary node lived about a
    // second, long enough to be promoted and collected in gen1). Repeated changes of one session are collapsed by the
    // flush, which writes each session's state as memory holds it then.
    private readonly Lock _pendingLock = new();
    private List<PendingSessionWrite> _pending = [];
    private List<PendingSessionWrite> _spare = [];
    private readonly SemaphoreSlim _flushGate = new(1, 1);
    private readonly Lock _loadLock = new();
    private Task? _load;
    private long _deleteExpiredBeforeTicks;
    private int _count; // counting the table would take every shard's lock: the session cap reads this instead
    private long _flushedRows;
    private StickySessionWrites? _writes;

    /// <summary>Sessions held in memory (expired ones stay until swept).</summary>
    public int CachedCount => Count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Changes noted in memory that the database has not stored yet.</summary>
    public int PendingWrites
    {
        get
        {
            lock (_pendingLock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Session rows written to the database since start (inserted, updated or deleted).</summary>
    public long FlushedRows => Interlocked.Read(ref _flushedRows);

    public int CountFor(string account) =>
        _perAccount.TryGetValue(account, out StrongBox<int>? count) ? Volatile.Read(ref count.Value) : 0;

    public int CountActive(DateTimeOffset now) => _sessions.Count(now, static (session, now) => !session.IsExpired(now));

    /// <summary>Fills the table from the database (once; later calls return the same task, a failed load is retried).</summary>
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
        if (load is { IsCompletedSuccessfully: true })
        {
            return ValueTask.FromResult(Find(account, sessionId));
        }

        return GetAfterLoadAsync(account, sessionId, cancellationToken);
    }

    public ValueTask SaveAsync(StickySession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        Put(session);
        Note(new PendingSessionWrite(session.Account, session.SessionId, session));
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Puts a session the database already holds into memory (another instance's binding, or one this instance
    /// just stored itself), without noting a write: nothing is written back.
    /// </summary>
    internal void Adopt(StickySession session)
    {
        // A change of this session noted before (a local fallback bind) is superseded by what the store holds: the
        // flush writes a noted session only while memory still holds that very one.
        Put(session);
    }

    /// <summary>Forgets a session another instance ended (nothing is written: the database no longer has it).</summary>
    internal void Evict(string account, string sessionId)
    {
        if (_sessions.TryRemove(account, sessionId))
        {
            Uncount(account);
        }
    }

    /// <summary>The session held in memory under a key, expired or not.</summary>
    internal StickySession? Peek(string account, string sessionId) =>
        _sessions.TryGet(account, sessionId, out StickySession? session) ? session : null;

    public ValueTask<bool> RemoveAsync(string account, string sessionId, CancellationToken cancellationToken)
    {
        if (!_sessions.TryRemove(account, sessionId))
        {
            return ValueTask.FromResult(false);
        }

        Uncount(account);
        Note(new PendingSessionWrite(account, sessionId, null));
        clusterFeed?.Publish(ClusterChange.SessionEnded(StickySessionKey.Of(account, sessionId)));
        return ValueTask.FromResult(true);
    }

    public ValueTask<IReadOnlyList<StickySession>> ListAsync(CancellationToken cancellationToken)
    {
        Task? load = Volatile.Read(ref _load);
        if (load is { IsCompletedSuccessfully: true })
        {
            return ValueTask.FromResult<IReadOnlyList<StickySession>>(ListLive());
        }

        return ListAfterLoadAsync(cancellationToken);
    }

    private async ValueTask<IReadOnlyList<StickySession>> ListAfterLoadAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken).ConfigureAwait(false);
        return ListLive();
    }

    private List<StickySession> ListLive()
    {
        DateTimeOffset now = timeProvider.GetUtcNow();
        var live = new List<StickySession>(Count);
        _sessions.CopyTo(live, now, static (session, now) => !session.IsExpired(now));

        live.Sort(static (a, b) => a.CreatedAt.CompareTo(b.CreatedAt));
        return live;
    }

    public ValueTask<int> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        int removed = _sessions.RemoveWhere(now, static (session, now) => session.IsExpired(now), session => Uncount(session.Account));

        // One DELETE in the next flush covers every expired row, including rows this process never loaded.
        long ticks = now.UtcTicks;
        long seen = Interlocked.Read(ref _deleteExpiredBeforeTicks);
        while (ticks > seen)
        {
            long previous = Interlocked.CompareExchange(ref _deleteExpiredBeforeTicks, ticks, seen);
            if (previous == seen)
            {
                break;
            }

            seen = previous;
        }

        return ValueTask.FromResult(removed);
    }

    /// <summary>
    /// Writes every change noted so far to the database, in transactions of <see cref="FlushBatchSize"/> rows.
    /// Returns the rows written. Changes of a batch that fails are kept for the next flush.
    /// </summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        await _flushGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            int written = await DeleteExpiredAsync(cancellationToken).ConfigureAwait(false);
            List<PendingSessionWrite> noted;
            lock (_pendingLock)
            {
                if (_pending.Count == 0)
                {
                    Interlocked.Add(ref _flushedRows, written);
                    return written;
                }

                noted = _pending;
                _pending = _spare;
            }

            int done = 0;
            try
            {
                // One context and one open connection for the whole flush, a transaction per batch.
                ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
                await using (db.ConfigureAwait(false))
                {
                    await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                    StickySessionWrites writes = _writes ??= StickySessionWrites.Create(db);
                    using SqliteSessionUpsert? sqlite = SqliteSessionUpsert.TryPrepare(db.Database.GetDbConnection(), writes);
                    for (; done < noted.Count; done += FlushBatchSize)
                    {
                        int count = Math.Min(FlushBatchSize, noted.Count - done);
                        written += await WriteBatchAsync(db, writes, sqlite, noted.GetRange(done, count), cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch
            {
                // Keep what was not stored for the next flush. The flush writes memory's state as it is then, so a
                // session changed again meanwhile is written in its newer state.
                lock (_pendingLock)
                {
                    _pending.InsertRange(0, noted.GetRange(done, noted.Count - done));
                }

                throw;
            }
            finally
            {
                Recycle(noted);
            }

            Interlocked.Add(ref _flushedRows, written);
            return written;
        }
        finally
        {
            _flushGate.Release();
        }
    }

    public void Dispose() => _flushGate.Dispose();

    /// <summary>A list the flush is done with becomes the next spare (emptied; one that grew past a burst is dropped).</summary>
    private void Recycle(List<PendingSessionWrite> list)
    {
        list.Clear();
        if (list.Capacity > RetainedPendingCapacity)
        {
            list = [];
        }

        lock (_pendingLock)
        {
            _spare = list;
        }
    }

    private void Note(PendingSessionWrite write)
    {
        lock (_pendingLock)
        {
            _pending.Add(write);
        }
    }

    /// <summary>
    /// Whether a noted change is still memory's state: a noted session while memory holds that very instance (not one
    /// rebound, ended, swept or adopted from another instance since), a noted end while memory holds none.
    /// </summary>
    private bool IsCurrent(PendingSessionWrite write)
    {
        StickySession? held = Peek(write.Account, write.SessionId);
        return write.Session is { } session ? ReferenceEquals(held, session) : held is null;
    }

    private StickySession? Find(string account, string sessionId) =>
        _sessions.TryGet(account, sessionId, out StickySession? session) && !session!.IsExpired(timeProvider.GetUtcNow())
            ? session
            : null;

    private async ValueTask<StickySession?> GetAfterLoadAsync(string account, string sessionId, CancellationToken cancellationToken)
    {
        // Only before the start-up load finished (the host loads before the gateway listens).
        await LoadAsync(cancellationToken).ConfigureAwait(false);
        return Find(account, sessionId);
    }

    /// <summary>Adds or replaces a session in memory; a new one is counted (in total and for its account).</summary>
    private void Put(StickySession session)
    {
        if (_sessions.Set(session))
        {
            CountIn(session.Account);
        }
    }

    /// <summary>Adds a session unless one is held under its key, and counts it when added.</summary>
    private void TryAdd(StickySession session)
    {
        if (_sessions.TryAdd(session))
        {
            CountIn(session.Account);
        }
    }

    private void CountIn(string account)
    {
        Interlocked.Increment(ref _count);
        Interlocked.Increment(ref AccountCount(account).Value);
    }

    /// <summary>Uncounts a session just removed from memory (in total and for its account).</summary>
    private void Uncount(string account)
    {
        Interlocked.Decrement(ref _count);
        Interlocked.Decrement(ref AccountCount(account).Value);
    }

    private StrongBox<int> AccountCount(string account) => _perAccount.GetOrAdd(account, static _ => new StrongBox<int>());

    private async Task<int> DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        long ticks = Interlocked.Exchange(ref _deleteExpiredBeforeTicks, 0);
        if (ticks == 0)
        {
            return 0;
        }

        try
        {
            var before = new DateTimeOffset(ticks, TimeSpan.Zero);
            ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                return await db.StickySessions.Where(s => s.ExpiresAt <= before).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            // Try again next flush (unless a later sweep asked for more by then).
            Interlocked.CompareExchange(ref _deleteExpiredBeforeTicks, ticks, 0);
            throw;
        }
    }

    private async Task<int> WriteBatchAsync(
        ProxyRotatorDbContext db, StickySessionWrites writes, SqliteSessionUpsert? sqlite, List<PendingSessionWrite> batch, CancellationToken cancellationToken)
    {
        var saved = new List<StickySession>(batch.Count);
        var deleted = new List<PendingSessionWrite>();
        HashSet<StickySession>? once = sqlite is null ? new(ReferenceEqualityComparer.Instance) : null;
        foreach (PendingSessionWrite write in batch)
        {
            if (!IsCurrent(write))
            {
                continue;
            }

            if (write.Session is not { } session)
            {
                deleted.Add(write);
            }
            else if (once is null || once.Add(session))
            {
                // PostgreSQL's multi-row upsert may not touch one row twice: each session once per batch.
                saved.Add(session);
            }
        }

        if (saved.Count == 0 && deleted.Count == 0)
        {
            return 0;
        }

        IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            if (deleted.Count > 0)
            {
                DbCommand delete = writes.CreateDelete(db);
                await using (delete.ConfigureAwait(false))
                {
                    foreach (PendingSessionWrite write in deleted)
                    {
                        await writes.DeleteAsync(delete, write.Account, write.SessionId, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            if (sqlite is not null)
            {
                foreach (StickySession session in saved)
                {
                    sqlite.Write(session);
                }
            }
            else
            {
                await UpsertAsync(db, writes, [.. saved], cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return saved.Count + deleted.Count;
    }

    /// <summary>Other providers (PostgreSQL): multi-row upserts of <see cref="StickySessionWrites.RowsPerUpsert"/>, then one row at a time.</summary>
    private static async Task UpsertAsync(ProxyRotatorDbContext db, StickySessionWrites writes, StickySession[] rows, CancellationToken cancellationToken)
    {
        int done = 0;
        if (rows.Length >= StickySessionWrites.RowsPerUpsert)
        {
            DbCommand many = writes.CreateUpsert(db, many: true);
            await using (many.ConfigureAwait(false))
            {
                for (; done + StickySessionWrites.RowsPerUpsert <= rows.Length; done += StickySessionWrites.RowsPerUpsert)
                {
                    await writes.UpsertAsync(many, rows.AsMemory(done, StickySessionWrites.RowsPerUpsert), cancellationToken).ConfigureAwait(false);
                }
            }
        }

        if (done < rows.Length)
        {
            DbCommand upsert = writes.CreateUpsert(db);
            await using (upsert.ConfigureAwait(false))
            {
                for (; done < rows.Length; done++)
                {
                    await writes.UpsertAsync(upsert, rows.AsMemory(done, 1), cancellationToken).ConfigureAwait(false);
                }
            }
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
                TryAdd(row.ToSession());
            }
        }
    }
}
