namespace ProxyRotator.Core.Accounts;

/// <summary>
/// One account's bytes (up plus down) so far this UTC day and this UTC month, what its byte quotas are checked
/// against. Lock-free on the hot path (<see cref="Interlocked"/>); a new day or month resets its counter the first
/// time it is touched in it.
/// </summary>
public sealed class AccountUsageTotals
{
    private readonly Lock _roll = new();
    private long _dayBytes;
    private long _monthBytes;
    private int _day;   // DateOnly.DayNumber of _dayBytes
    private int _month; // year * 12 + month - 1 of _monthBytes
    private long _requests;
    private long _bytesUp;
    private long _bytesDown;

    internal AccountUsageTotals(string account) => Account = account;

    public string Account { get; }

    /// <summary>Requests that ended since the process started (for <c>/metrics</c> counters).</summary>
    public long Requests => Volatile.Read(ref _requests);

    /// <summary>Bytes from the client since the process started.</summary>
    public long BytesUp => Volatile.Read(ref _bytesUp);

    /// <summary>Bytes to the client since the process started.</summary>
    public long BytesDown => Volatile.Read(ref _bytesDown);

    public long DayBytes(DateOnly today) => Volatile.Read(ref _day) == today.DayNumber ? Volatile.Read(ref _dayBytes) : 0;

    public long MonthBytes(DateOnly today) => Volatile.Read(ref _month) == MonthNumber(today) ? Volatile.Read(ref _monthBytes) : 0;

    /// <summary>Whether either byte quota in <paramref name="limits"/> is spent.</summary>
    public bool IsExhausted(AccountLimits limits, DateOnly today) =>
        (limits.BytesPerDay is { } day && DayBytes(today) >= day) || (limits.BytesPerMonth is { } month && MonthBytes(today) >= month);

    /// <summary>Counts <paramref name="bytes"/> for <paramref name="today"/>.</summary>
    public void Add(long bytes, DateOnly today)
    {
        if (Volatile.Read(ref _day) != today.DayNumber || Volatile.Read(ref _month) != MonthNumber(today))
        {
            Roll(today);
        }

        Interlocked.Add(ref _dayBytes, bytes);
        Interlocked.Add(ref _monthBytes, bytes);
    }

    /// <summary>Counts one ended request in the since-start counters.</summary>
    internal void CountRequest(long bytesUp, long bytesDown)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _bytesUp, bytesUp);
        Interlocked.Add(ref _bytesDown, bytesDown);
    }

    /// <summary>Sets the totals from persisted usage (start-up): bytes already counted today and this month.</summary>
    internal void Seed(DateOnly today, long dayBytes, long monthBytes)
    {
        lock (_roll)
        {
            _day = today.DayNumber;
            _month = MonthNumber(today);
            Volatile.Write(ref _dayBytes, dayBytes);
            Volatile.Write(ref _monthBytes, monthBytes);
        }
    }

    internal static int MonthNumber(DateOnly date) => (date.Year * 12) + date.Month - 1;

    private void Roll(DateOnly today)
    {
        lock (_roll)
        {
            if (_day != today.DayNumber)
            {
                Volatile.Write(ref _dayBytes, 0);
                Volatile.Write(ref _day, today.DayNumber);
            }

            if (_month != MonthNumber(today))
            {
                Volatile.Write(ref _monthBytes, 0);
                Volatile.Write(ref _month, MonthNumber(today));
            }
        }
    }
}
