using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace ProxyRotator.Gateway.Routing;

/// <summary>
/// Serialises the first binding of a new sticky session. A browser or scraper that opens several connections
/// at once with the same new session id would otherwise get one pick per connection — several exit addresses
/// for one session, and the last save wins. The first request for an unbound session claims it; concurrent
/// requests for the same account and session wait until that claim ends (the binding was stored, or the
/// request failed or finished), then read the session again and follow its binding.
/// </summary>
public sealed class SessionBindingGate
{
    private readonly ConcurrentDictionary<(string Account, string SessionId), Claim> _claims = new();
    private readonly ConcurrentDictionary<string, StrongBox<int>> _perAccount = new(StringComparer.Ordinal);
    private int _pending; // read on every new session (the cap check); ConcurrentDictionary.Count would take every lock

    /// <summary>
    /// Claims the session for binding, or returns the claim another request holds (wait on
    /// <see cref="Claim.Ended"/>, then read the session again).
    /// </summary>
    public bool TryClaim(string account, string sessionId, out Claim claim)
    {
        var fresh = new Claim(this, (account, sessionId));
        claim = _claims.GetOrAdd(fresh.Key, fresh);
        if (!ReferenceEquals(claim, fresh))
        {
            return false;
        }

        Interlocked.Increment(ref _pending);
        StrongBox<int> accountPending = AccountPending(account);
        Interlocked.Increment(ref accountPending.Value);
        fresh.AccountPending = accountPending; // End counts down the same box without a second look-up
        return true;
    }

    /// <summary>Sessions being bound right now (for tests and diagnostics).</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>New sessions of one account being bound right now: they count against its session cap.</summary>
    public int PendingFor(string account) =>
        _perAccount.TryGetValue(account, out StrongBox<int>? count) ? Volatile.Read(ref count.Value) : 0;

    private StrongBox<int> AccountPending(string account) => _perAccount.GetOrAdd(account, static _ => new StrongBox<int>());

    /// <summary>
    /// One request's right to bind a new session; ending it wakes every waiter. The completion source is made only
    /// when a request actually waits (rare: concurrent first requests of one session), not for every new session.
    /// </summary>
    public sealed class Claim
    {
        private readonly SessionBindingGate _gate;
        private TaskCompletionSource? _ended;
        private int _done;

        internal Claim(SessionBindingGate gate, (string, string) key)
        {
            _gate = gate;
            Key = key;
        }

        internal (string Account, string SessionId) Key { get; }

        /// <summary>The account's pending count this claim raised (set before any other request can see the claim end).</summary>
        internal StrongBox<int>? AccountPending { get; set; }

        /// <summary>Completes when the claim holder stored the binding or gave up.</summary>
        public Task Ended
        {
            get
            {
                TaskCompletionSource? ended = Volatile.Read(ref _ended);
                if (ended is null)
                {
                    var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    ended = Interlocked.CompareExchange(ref _ended, fresh, null) ?? fresh;
                }

                // Both sides publish with a full fence (CompareExchange here, Exchange in End), so either End sees
                // this source or this sees that End ran.
                if (Volatile.Read(ref _done) != 0)
                {
                    ended.TrySetResult();
                }

                return ended.Task;
            }
        }

        public void End()
        {
            // Removed before the waiters wake, so one of them can claim the session if this request never bound it.
            if (_gate._claims.TryRemove(new KeyValuePair<(string, string), Claim>(Key, this)))
            {
                Interlocked.Decrement(ref _gate._pending);
                Interlocked.Decrement(ref (AccountPending ?? _gate.AccountPending(Key.Account)).Value);
            }

            Interlocked.Exchange(ref _done, 1);
            Volatile.Read(ref _ended)?.TrySetResult();
        }
    }
}
