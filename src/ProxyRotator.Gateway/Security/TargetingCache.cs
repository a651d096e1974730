using System.Collections.Concurrent;
using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Gateway.Security;

/// <summary>
/// The parsed targeting of usernames already seen (<see cref="TargetingParameters"/> is immutable, so one instance
/// serves every request with that username): a known credential skips the username parse and its allocations. Looked
/// up by span, without allocating. Keyed by the username with its session id cut out, so a client that sends a new
/// session id on every request hits the entry of its first request (one copy of it with the new id, the parse's
/// allocations less its work) instead of adding one entry per session: an entry per request made the cache start over
/// every few seconds, and its adds (string, node, resizes under every lock of the table) cost a new session more than
/// the parse. Filled only after the password (or address) was accepted, so unauthenticated clients cannot fill it;
/// bounded by <see cref="Capacity"/>: when full it starts over, which costs one parse per username shape.
/// A shape also remembers the copies it made for its last few ids (<see cref="RecentIdSlots"/> slots, by the id's
/// hash), so a client that reuses a set of sessions gets the same copy back instead of a new copy and id string on
/// every request.
/// </summary>
public sealed class TargetingCache
{
    public const int DefaultCapacity = 16_384;

    /// <summary>Copies with other ids remembered per shape (made when a shape first sees a second id).</summary>
    public const int RecentIdSlots = 128; // a power of two

    /// <summary>Slots looked at per id, from the slot of its hash on.</summary>
    private const int RecentIdProbe = 8;

    private readonly ConcurrentDictionary<string, Shape> _byShape = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Shape>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private int _count; // ConcurrentDictionary.Count takes every lock of the table

    public TargetingCache()
        : this(DefaultCapacity)
    {
    }

    public TargetingCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _bySpan = _byShape.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Capacity { get; }

    public int Count => Volatile.Read(ref _count);

    public bool TryGet(ReadOnlySpan<char> username, out TargetingParameters? parameters)
    {
        if (!ProxyUsernameParser.TryFindSessionId(username, out Range idRange))
        {
            bool found = _bySpan.TryGetValue(username, out Shape? plain);
            parameters = plain?.Parameters;
            return found;
        }

        // Everything but the id is the cached username's (the shape matched, and the id cannot contain '-'), so the
        // id and the length are all that is left to check.
        parameters = null;
        ReadOnlySpan<char> id = username[idRange];
        if (username.Length > ProxyUsernameParser.MaxLength || !ProxyUsernameParser.IsValidSessionId(id))
        {
            return false;
        }

        Span<char> shape = stackalloc char[ProxyUsernameParser.MaxLength];
        if (!_bySpan.TryGetValue(ShapeOf(username, idRange, shape), out Shape? cached))
        {
            return false;
        }

        parameters = cached.WithId(id);
        return true;
    }

    /// <summary>Remembers what <paramref name="username"/> parsed to (only a username that parsed without error).</summary>
    public void Add(ReadOnlySpan<char> username, TargetingParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        string key;
        if (ProxyUsernameParser.TryFindSessionId(username, out Range idRange))
        {
            if (username.Length > ProxyUsernameParser.MaxLength)
            {
                return;
            }

            Span<char> shape = stackalloc char[ProxyUsernameParser.MaxLength];
            ReadOnlySpan<char> found = ShapeOf(username, idRange, shape);
            if (_bySpan.ContainsKey(found))
            {
                return;
            }

            key = found.ToString();
        }
        else
        {
            key = username.ToString();
        }

        if (Interlocked.Increment(ref _count) > Capacity)
        {
            _byShape.Clear();
            Volatile.Write(ref _count, 1);
        }

        if (!_byShape.TryAdd(key, new Shape(parameters)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>The username without its session id: <c>acct-session--country-de</c> for <c>acct-session-x1-country-de</c>.</summary>
    private static ReadOnlySpan<char> ShapeOf(ReadOnlySpan<char> username, Range idRange, Span<char> destination)
    {
        (int start, int length) = idRange.GetOffsetAndLength(username.Length);
        username[..start].CopyTo(destination);
        ReadOnlySpan<char> after = username[(start + length)..];
        after.CopyTo(destination[start..]);
        return destination[..(start + after.Length)];
    }

    /// <summary>One username shape: what it parsed to, and the copies last made for other session ids.</summary>
    private sealed class Shape(TargetingParameters parameters)
    {
        private TargetingParameters?[]? _recent;

        public TargetingParameters Parameters { get; } = parameters;

        public TargetingParameters WithId(ReadOnlySpan<char> id)
        {
            if (id.SequenceEqual(Parameters.SessionId))
            {
                return Parameters;
            }

            // Up to RecentIdProbe slots from the id's hash: a set of reused ids sits side by side instead of pushing each
            // other out (one slot per hash kept only ~60% of 64 ids). A race only costs a copy (reference writes are
            // atomic, entries are immutable).
            TargetingParameters?[] recent = Volatile.Read(ref _recent)
                ?? Interlocked.CompareExchange(ref _recent, new TargetingParameters?[RecentIdSlots], null)
                ?? _recent!;
            int home = (int)((uint)string.GetHashCode(id) % RecentIdSlots);
            int free = -1;
            for (int probe = 0; probe < RecentIdProbe; probe++)
            {
                int index = (home + probe) & (RecentIdSlots - 1);
                TargetingParameters? seen = Volatile.Read(ref recent[index]);
                if (seen is null)
                {
                    free = free < 0 ? index : free;
                }
                else if (id.SequenceEqual(seen.SessionId))
                {
                    return seen;
                }
            }

            TargetingParameters copy = Parameters with { SessionId = id.ToString() };
            Volatile.Write(ref recent[free < 0 ? home : free], copy);
            return copy;
        }
    }
}
