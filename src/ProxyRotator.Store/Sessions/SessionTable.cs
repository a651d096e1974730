using ProxyRotator.Core.Sessions;

namespace ProxyRotator.Store.Sessions;

/// <summary>
/// The sessions held in memory, by (account, session id): <see cref="Dictionary{TKey,TValue}"/> shards, each behind
/// its own lock. A dictionary keeps its entries as structs in one array, so a session costs no object beyond itself;
/// <see cref="System.Collections.Concurrent.ConcurrentDictionary{TKey,TValue}"/> kept a node object per session and
/// made every node again each time the table grew. With a new session per request those nodes were a third of what
/// each request left for the GC to promote through gen0 and gen1. The locks are held for one look-up or change (a
/// scan holds one shard's lock at a time), and with this many shards two requests rarely meet on one.
/// </summary>
internal sealed class SessionTable
{
    // A power of two; enough that one shard's entry array stays below the large-object threshold up to ~600k sessions.
    private const int ShardCount = 256;

    private readonly Shard[] _shards = new Shard[ShardCount];

    public SessionTable()
    {
        for (int i = 0; i < _shards.Length; i++)
        {
            _shards[i] = new Shard();
        }
    }

    public bool TryGet(string account, string sessionId, out StickySession? session)
    {
        Shard shard = ShardOf(account, sessionId);
        lock (shard.Lock)
        {
            return shard.Sessions.TryGetValue((account, sessionId), out session);
        }
    }

    /// <summary>Adds the session unless one is held under its key.</summary>
    public bool TryAdd(StickySession session)
    {
        Shard shard = ShardOf(session.Account, session.SessionId);
        lock (shard.Lock)
        {
            return shard.Sessions.TryAdd((session.Account, session.SessionId), session);
        }
    }

    /// <summary>Adds or replaces the session; true when it was added (no session was held under its key).</summary>
    public bool Set(StickySession session)
    {
        Shard shard = ShardOf(session.Account, session.SessionId);
        lock (shard.Lock)
        {
            int count = shard.Sessions.Count;
            shard.Sessions[(session.Account, session.SessionId)] = session;
            return shard.Sessions.Count != count;
        }
    }

    public bool TryRemove(string account, string sessionId)
    {
        Shard shard = ShardOf(account, sessionId);
        lock (shard.Lock)
        {
            return shard.Sessions.Remove((account, sessionId));
        }
    }

    /// <summary>Counts the sessions that match, one shard at a time.</summary>
    public int Count<TState>(TState state, Func<StickySession, TState, bool> match)
    {
        int count = 0;
        foreach (Shard shard in _shards)
        {
            lock (shard.Lock)
            {
                foreach (StickySession session in shard.Sessions.Values)
                {
                    if (match(session, state))
                    {
                        count++;
                    }
                }
            }
        }

        return count;
    }

    /// <summary>Adds the sessions that match to <paramref name="into"/>, one shard at a time.</summary>
    public void CopyTo<TState>(List<StickySession> into, TState state, Func<StickySession, TState, bool> match)
    {
        foreach (Shard shard in _shards)
        {
            lock (shard.Lock)
            {
                foreach (StickySession session in shard.Sessions.Values)
                {
                    if (match(session, state))
                    {
                        into.Add(session);
                    }
                }
            }
        }
    }

    /// <summary>Removes the sessions that match, one shard at a time; <paramref name="removed"/> is told of each under its shard's lock (keep it short).</summary>
    public int RemoveWhere<TState>(TState state, Func<StickySession, TState, bool> match, Action<StickySession> removed)
    {
        int count = 0;
        foreach (Shard shard in _shards)
        {
            lock (shard.Lock)
            {
                // Removing while enumerating is allowed for Dictionary (it does not invalidate the enumerator).
                foreach (KeyValuePair<(string, string), StickySession> entry in shard.Sessions)
                {
                    if (match(entry.Value, state) && shard.Sessions.Remove(entry.Key))
                    {
                        removed(entry.Value);
                        count++;
                    }
                }
            }
        }

        return count;
    }

    // By the session id alone: ids differ far more than accounts, and one hash less per call.
    private Shard ShardOf(string account, string sessionId) => _shards[(uint)sessionId.GetHashCode() % ShardCount];

    private sealed class Shard
    {
        public readonly Lock Lock = new();
        public readonly Dictionary<(string Account, string SessionId), StickySession> Sessions = [];
    }
}
