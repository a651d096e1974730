using System.Collections.Concurrent;

namespace ProxyRotator.Core.Pool;

/// <summary>
/// The runtime state of every upstream in the pool, by id: one process-wide registry (a DI singleton) shared by the
/// snapshot source (which adds members and drops those that left), the lifecycle (which changes status) and the
/// outcome and health writers. A member's state is created once from its stored values and then lives in memory.
/// </summary>
public sealed class UpstreamRuntimeStates
{
    private readonly ConcurrentDictionary<long, UpstreamRuntimeState> _states = new();

    public int Count => _states.Count;

    public IEnumerable<long> Ids => _states.Keys;

    /// <summary>The state of <paramref name="id"/>, created from <paramref name="stored"/> if it has none yet.</summary>
    public UpstreamRuntimeState GetOrAdd<TArg>(long id, Func<TArg, UpstreamRuntimeState> stored, TArg argument) =>
        _states.GetOrAdd(id, static (_, pair) => pair.stored(pair.argument), (stored, argument));

    public bool TryGet(long id, out UpstreamRuntimeState? state) => _states.TryGetValue(id, out state);

    /// <summary>Forgets an upstream that left the pool (retired or deleted); it starts from the store if it comes back.</summary>
    public bool Remove(long id) => _states.TryRemove(id, out _);
}
