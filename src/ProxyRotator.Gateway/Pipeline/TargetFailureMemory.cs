using System.Collections.Concurrent;

namespace ProxyRotator.Gateway.Pipeline;

/// <summary>
/// Remembers briefly which targets failed, so that blame follows evidence (issue 10 §1): a target that failed
/// through two different upstreams within <see cref="Window"/> is the target's fault — no upstream is charged for
/// it, and later requests to it are answered after one attempt instead of burning every upstream. A success through
/// any upstream forgets the target. Bounded (<see cref="Capacity"/> targets; when full, stale entries are swept and
/// new failures are not remembered until there is room), lock-free on reads, and only touched on failure paths.
/// </summary>
public sealed class TargetFailureMemory(TimeProvider timeProvider)
{
    public const int Capacity = 4096;

    /// <summary>How long a failure is remembered.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<TargetKey, Entry> _entries = new(TargetKey.Comparer);

    public int Count => _entries.Count;

    /// <summary>True when the target failed through two different upstreams within the window.</summary>
    public bool IsFailing(string host, int port) =>
        !_entries.IsEmpty
        && _entries.TryGetValue(new TargetKey(host, port), out Entry? entry)
        && entry.Confirmed
        && !IsStale(entry);

    /// <summary>
    /// True when a failure through <paramref name="upstreamId"/> would settle the blame on the target: it is known to
    /// fail, or another upstream failed on it within the window.
    /// </summary>
    public bool WouldConfirm(string host, int port, long upstreamId) =>
        !_entries.IsEmpty
        && _entries.TryGetValue(new TargetKey(host, port), out Entry? entry)
        && (entry.Confirmed || entry.UpstreamId != upstreamId)
        && !IsStale(entry);

    /// <summary>Notes a failure of the target through <paramref name="upstreamId"/>; true when the target is now known to fail.</summary>
    public bool RecordFailure(string host, int port, long upstreamId)
    {
        var key = new TargetKey(host, port);
        long now = timeProvider.GetTimestamp();
        if (_entries.TryGetValue(key, out Entry? entry) && !IsStale(entry))
        {
            if (entry.Confirmed || entry.UpstreamId != upstreamId)
            {
                _entries[key] = new Entry(entry.UpstreamId, now, Confirmed: true);
                return true;
            }

            return false;
        }

        if (_entries.Count >= Capacity)
        {
            Sweep();
            if (_entries.Count >= Capacity)
            {
                return false;
            }
        }

        _entries[key] = new Entry(upstreamId, now, Confirmed: false);
        return false;
    }

    /// <summary>Marks the target as failing (two upstreams failed on it within one request).</summary>
    public void RecordConfirmed(string host, int port, long upstreamId)
    {
        if (_entries.Count >= Capacity)
        {
            Sweep();
        }

        _entries[new TargetKey(host, port)] = new Entry(upstreamId, timeProvider.GetTimestamp(), Confirmed: true);
    }

    /// <summary>The target was served: forget its failures.</summary>
    public void Forget(string host, int port)
    {
        if (!_entries.IsEmpty)
        {
            _entries.TryRemove(new TargetKey(host, port), out _);
        }
    }

    private bool IsStale(Entry entry) => timeProvider.GetElapsedTime(entry.At) > Window;

    private void Sweep()
    {
        foreach (KeyValuePair<TargetKey, Entry> pair in _entries)
        {
            if (IsStale(pair.Value))
            {
                _entries.TryRemove(pair);
            }
        }
    }

    private sealed record Entry(long UpstreamId, long At, bool Confirmed);

    private readonly record struct TargetKey(string Host, int Port)
    {
        public static IEqualityComparer<TargetKey> Comparer { get; } = new KeyComparer();

        private sealed class KeyComparer : IEqualityComparer<TargetKey>
        {
            public bool Equals(TargetKey x, TargetKey y) => x.Port == y.Port && string.Equals(x.Host, y.Host, StringComparison.OrdinalIgnoreCase);

            public int GetHashCode(TargetKey key) => HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(key.Host), key.Port);
        }
    }
}
