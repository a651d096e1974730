using System.Collections.Concurrent;

namespace ProxyRotator.Health.Scoring;

/// <summary>The in-memory health of every upstream this process has probed or carried traffic for.</summary>
public sealed class UpstreamHealthBook
{
    private readonly ConcurrentDictionary<long, UpstreamHealthEntry> _entries = new();

    public UpstreamHealthEntry Get(long upstreamId) => _entries.GetOrAdd(upstreamId, static _ => new UpstreamHealthEntry());

    /// <summary>Every upstream this process holds health for (a live view, for the cluster score exchange).</summary>
    public IEnumerable<KeyValuePair<long, UpstreamHealthEntry>> Entries => _entries;

    public bool TryGet(long upstreamId, out UpstreamHealthEntry? entry) => _entries.TryGetValue(upstreamId, out entry);

    /// <summary>Drops a retired upstream's state.</summary>
    public void Forget(long upstreamId) => _entries.TryRemove(upstreamId, out _);
}
