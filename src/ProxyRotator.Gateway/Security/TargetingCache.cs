using System.Collections.Concurrent;
using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Gateway.Security;

/// <summary>
/// The parsed targeting of usernames already seen (<see cref="TargetingParameters"/> is immutable, so one instance
/// serves every request with that username): a known credential skips the username parse and its allocations. Looked
/// up by span, without allocating. Filled only after the password (or address) was accepted, so unauthenticated
/// clients cannot fill it; bounded by <see cref="Capacity"/>: when full it starts over, which costs one parse per
/// username and keeps memory flat under many distinct session ids.
/// </summary>
public sealed class TargetingCache
{
    public const int DefaultCapacity = 16_384;

    private readonly ConcurrentDictionary<string, TargetingParameters> _byUsername = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TargetingParameters>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public TargetingCache()
        : this(DefaultCapacity)
    {
    }

    public TargetingCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _bySpan = _byUsername.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Capacity { get; }

    public int Count => _byUsername.Count;

    public bool TryGet(ReadOnlySpan<char> username, out TargetingParameters? parameters) =>
        _bySpan.TryGetValue(username, out parameters);

    public void Add(ReadOnlySpan<char> username, TargetingParameters parameters)
    {
        if (_byUsername.Count >= Capacity)
        {
            _byUsername.Clear();
        }

        _byUsername.TryAdd(username.ToString(), parameters);
    }
}
