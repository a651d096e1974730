namespace ProxyRotator.Core.Cluster;

/// <summary>
/// What sharing state with other instances cost and how often it fell back to memory: shared session binds and
/// look-ups (and those the database did not answer in time), change notifications sent and received, and the
/// change feed's reconnects. Lock-free counters; all zero on SQLite, where nothing is shared.
/// </summary>
public sealed class ClusterMetrics
{
    private long _sessionBinds;
    private long _sessionBindsLost;
    private long _sessionLookups;
    private long _sessionLookupHits;
    private long _sessionLookupsSkipped;
    private long _sessionStoreDegraded;
    private long _changesPublished;
    private long _changesReceived;
    private long _feedReconnects;

    /// <summary>New sessions offered to the shared store (first writer wins).</summary>
    public long SessionBinds => Interlocked.Read(ref _sessionBinds);

    /// <summary>Binds another instance had won: this one followed the stored binding.</summary>
    public long SessionBindsLost => Interlocked.Read(ref _sessionBindsLost);

    /// <summary>Look-ups in the shared store after a miss in memory.</summary>
    public long SessionLookups => Interlocked.Read(ref _sessionLookups);

    /// <summary>Look-ups that found a session another instance had bound.</summary>
    public long SessionLookupHits => Interlocked.Read(ref _sessionLookupHits);

    /// <summary>Look-ups answered by the short "not found" memory instead of the database.</summary>
    public long SessionLookupsSkipped => Interlocked.Read(ref _sessionLookupsSkipped);

    /// <summary>Binds and look-ups the database did not answer in time (or failed): served from memory, written behind.</summary>
    public long SessionStoreDegraded => Interlocked.Read(ref _sessionStoreDegraded);

    public long ChangesPublished => Interlocked.Read(ref _changesPublished);

    public long ChangesReceived => Interlocked.Read(ref _changesReceived);

    /// <summary>Times the change feed's listening connection was (re)opened after a failure.</summary>
    public long FeedReconnects => Interlocked.Read(ref _feedReconnects);

    public void RecordSessionBind(bool lost)
    {
        Interlocked.Increment(ref _sessionBinds);
        if (lost)
        {
            Interlocked.Increment(ref _sessionBindsLost);
        }
    }

    public void RecordSessionLookup(bool found)
    {
        Interlocked.Increment(ref _sessionLookups);
        if (found)
        {
            Interlocked.Increment(ref _sessionLookupHits);
        }
    }

    public void RecordSessionLookupSkipped() => Interlocked.Increment(ref _sessionLookupsSkipped);

    public void RecordSessionStoreDegraded() => Interlocked.Increment(ref _sessionStoreDegraded);

    public void RecordChangesPublished(int count) => Interlocked.Add(ref _changesPublished, count);

    public void RecordChangeReceived() => Interlocked.Increment(ref _changesReceived);

    public void RecordFeedReconnect() => Interlocked.Increment(ref _feedReconnects);
}
