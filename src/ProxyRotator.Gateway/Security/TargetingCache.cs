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
/// </summary>
public sealed class TargetingCache
{
    public const int DefaultCapacity = 16_384;

    private readonly ConcurrentDictionary<string, TargetingParameters> _byShape = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TargetingParameters>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
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
            return _bySpan.TryGetValue(username, out parameters);
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
        if (!_bySpan.TryGetValue(ShapeOf(username, idRange, shape), out TargetingParameters? cached))
        {
            return false;
        }

        parameters = id.SequenceEqual(cached.SessionId) ? cached : cached with { SessionId = id.ToString() };
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

        if (!_byShape.TryAdd(key, parameters))
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
}
