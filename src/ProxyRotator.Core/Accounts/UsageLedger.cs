using System.Collections.Concurrent;

namespace ProxyRotator.Core.Accounts;

/// <summary>
/// Usage per account × pool × UTC day × outcome, counted in memory on the request path and drained by a
/// write-behind (<see cref="Drain"/>, <see cref="Restore"/>) that adds it to the store; nothing here waits for a
/// disk. Also keeps each account's byte totals for today and this month (<see cref="TotalsFor"/>), which byte
/// quotas are checked against and which the store seeds at start-up so a restart does not reset them. Other
/// features (spend per account) read <see cref="TotalsFor"/> and <see cref="Pending"/>.
/// </summary>
public sealed class UsageLedger(TimeProvider timeProvider)
{
    /// <summary>The pool of a request that was refused before an upstream was picked.</summary>
    public const string NoPool = "-";

    private readonly ConcurrentDictionary<UsageKey, Cell> _pending = new();
    private readonly ConcurrentDictionary<string, AccountUsageTotals> _totals = new(StringComparer.Ordinal);

    public DateOnly Today => DateOnly.FromDateTime(timeProvider.GetUtcNow().UtcDateTime);

    /// <summary>The running totals of <paramref name="account"/> (made on first use; the same object afterwards).</summary>
    public AccountUsageTotals TotalsFor(string account) => _totals.GetOrAdd(account, static name => new AccountUsageTotals(name));

    /// <summary>
    /// Counts one ended request. <paramref name="alreadyMetered"/> bytes of it were added to the account's totals while
    /// it ran (a tunnel's relay meters live so a quota can cut it), so only the rest is added to the totals now.
    /// </summary>
    public void Record(AccountUsageTotals totals, string? pool, string? outcome, long bytesUp, long bytesDown, long alreadyMetered = 0)
    {
        ArgumentNullException.ThrowIfNull(totals);
        DateOnly today = Today;
        Cell cell = _pending.GetOrAdd(new UsageKey(totals.Account, pool ?? NoPool, today, outcome ?? string.Empty), static _ => new Cell());
        cell.Add(1, bytesUp, bytesDown);
        totals.CountRequest(bytesUp, bytesDown);
        long rest = bytesUp + bytesDown - alreadyMetered;
        if (rest != 0)
        {
            totals.Add(rest, today);
        }
    }

    /// <summary>Takes every count not yet stored, leaving zeros behind (the write-behind stores what it took).</summary>
    public IReadOnlyList<KeyValuePair<UsageKey, UsageCounts>> Drain()
    {
        var taken = new List<KeyValuePair<UsageKey, UsageCounts>>();
        foreach ((UsageKey key, Cell cell) in _pending)
        {
            UsageCounts counts = cell.Take();
            if (!counts.IsEmpty)
            {
                taken.Add(new(key, counts));
            }
            else if (key.Day < Today)
            {
                // An empty cell of a past day gets no more traffic.
                _pending.TryRemove(key, out _);
            }
        }

        return taken;
    }

    /// <summary>Puts back counts a failed store write took, so the next flush tries them again.</summary>
    public void Restore(IEnumerable<KeyValuePair<UsageKey, UsageCounts>> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        foreach ((UsageKey key, UsageCounts value) in counts)
        {
            _pending.GetOrAdd(key, static _ => new Cell()).Add(value.Requests, value.BytesUp, value.BytesDown);
        }
    }

    /// <summary>Counts not yet stored (added to the stored rows when usage is shown).</summary>
    public IReadOnlyList<KeyValuePair<UsageKey, UsageCounts>> Pending()
    {
        var pending = new List<KeyValuePair<UsageKey, UsageCounts>>();
        foreach ((UsageKey key, Cell cell) in _pending)
        {
            UsageCounts counts = cell.Read();
            if (!counts.IsEmpty)
            {
                pending.Add(new(key, counts));
            }
        }

        return pending;
    }

    /// <summary>Seeds an account's totals from stored usage at start-up (bytes today and this month).</summary>
    public void Seed(string account, long dayBytes, long monthBytes) => TotalsFor(account).Seed(Today, dayBytes, monthBytes);

    private sealed class Cell
    {
        private long _requests;
        private long _up;
        private long _down;

        public void Add(long requests, long up, long down)
        {
            Interlocked.Add(ref _requests, requests);
            Interlocked.Add(ref _up, up);
            Interlocked.Add(ref _down, down);
        }

        public UsageCounts Take() => new(Interlocked.Exchange(ref _requests, 0), Interlocked.Exchange(ref _up, 0), Interlocked.Exchange(ref _down, 0));

        public UsageCounts Read() => new(Volatile.Read(ref _requests), Volatile.Read(ref _up), Volatile.Read(ref _down));
    }
}
