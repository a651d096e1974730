using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Snapshots;

/// <summary>
/// Builds <see cref="PoolSnapshot"/>s of the pool's membership and tags (every non-retired upstream) from the store and
/// swaps them in atomically, only when those changed (<see cref="UpstreamEntity.MembershipChangedAt"/>): health
/// results and live outcomes change runtime state in place and never rebuild. Readers only do a volatile read of
/// <see cref="Current"/>; rebuilds are serialised among themselves. Each member gets its
/// <see cref="UpstreamRuntimeState"/> once, loaded from its stored status and figures when it joins (at start, or when
/// added later), and keeps it for as long as it stays in the pool: a rebuild never overwrites runtime state.
/// </summary>
public sealed class StorePoolSnapshotSource(IDbContextFactory<ProxyRotatorDbContext> contextFactory, UpstreamRuntimeStates runtimeStates)
    : IPoolSnapshotSource, IDisposable
{
    private readonly ConcurrentDictionary<long, BackconnectUpstream> _backconnect = new();
    private readonly SemaphoreSlim _rebuildGate = new(1, 1);
    private PoolSnapshot _current = PoolSnapshot.Empty;
    private StoreFingerprint? _builtFrom;
    private long _version;

    public PoolSnapshot Current => Volatile.Read(ref _current);

    /// <summary>True once a snapshot has been built from the store.</summary>
    public bool HasLoaded => Volatile.Read(ref _builtFrom) is not null;

    /// <summary>Rebuilds from the store now; returns when the new snapshot is live.</summary>
    public Task RefreshAsync(CancellationToken cancellationToken) => RebuildAsync(force: true, cancellationToken);

    /// <summary>The runtime state of every member, by id.</summary>
    public UpstreamRuntimeStates RuntimeStates => runtimeStates;

    /// <summary>Rebuilds only when membership or tags changed since the last build (cheap check); returns whether it did.</summary>
    public Task<bool> RefreshIfChangedAsync(CancellationToken cancellationToken) => RebuildAsync(force: false, cancellationToken);

    /// <summary>Rebuilds if someone uses snapshots in this process (the host started the refresher); a plain import does not pay for it.</summary>
    internal async Task RefreshIfStartedAsync(CancellationToken cancellationToken)
    {
        if (HasLoaded)
        {
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _rebuildGate.Dispose();

    /// <summary>
    /// The upstream's dialect and coverage, reused while they are unchanged so its per-country health survives
    /// rebuilds. A stored dialect that no longer compiles (an older template) makes the upstream unusable: it gets a
    /// dialect that refuses every request rather than a guessed one.
    /// </summary>
    private BackconnectUpstream BackconnectOf(long id, string dialect, string? template, string? countries)
    {
        if (_backconnect.TryGetValue(id, out BackconnectUpstream? known)
            && known.DialectName == dialect && known.TemplateJson == template && known.Countries.ToString() == CountryCoverage.Parse(countries).ToString())
        {
            return known;
        }

        BackconnectUpstream built = BackconnectUpstream.TryCreate(dialect, template, countries, known?.Health, out BackconnectUpstream? created, out _)
            ? created
            : new BackconnectUpstream
            {
                DialectName = dialect,
                Dialect = new UnusableDialect(dialect),
                Countries = CountryCoverage.Of([]),
                TemplateJson = template,
            };
        _backconnect[id] = built;
        return built;
    }

    /// <summary>Refuses every request: stands in for a stored dialect that cannot be rebuilt.</summary>
    private sealed class UnusableDialect(string name) : IBackconnectDialect
    {
        public string Name => name;

        public BackconnectTranslation Translate(in BackconnectRequest request) =>
            BackconnectTranslation.Refuse("dialect", $"the stored dialect '{name}' cannot be used");
    }

    private async Task<bool> RebuildAsync(bool force, CancellationToken cancellationToken)
    {
        await _rebuildGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                // Read the fingerprint before the rows: a change made in between shows up in the next check.
                StoreFingerprint fingerprint = await ReadFingerprintAsync(db, cancellationToken).ConfigureAwait(false);
                if (!force && fingerprint == _builtFrom)
                {
                    return false;
                }

                var rows = await db.Upstreams.AsNoTracking()
                    .Where(u => u.Status != UpstreamStatus.Retired)
                    .OrderBy(u => u.Id)
                    .Select(u => new
                    {
                        u.Id,
                        PoolName = u.Pool!.Name,
                        u.Scheme,
                        u.Host,
                        u.Port,
                        u.Username,
                        u.Password,
                        u.Type,
                        u.Status,
                        u.DeclaredCountry,
                        u.City,
                        u.VerifiedCountry,
                        u.ExitIp,
                        u.Score,
                        u.LatencyMs,
                        u.ConsecutiveFailures,
                        u.Dialect,
                        u.DialectTemplate,
                        u.Countries,
                        u.CostPerGb,
                        u.CostPerRequest,
                        u.IsRotatingExit,
                    })
                    .ToListAsync(cancellationToken).ConfigureAwait(false);

                var upstreams = new UpstreamProxy[rows.Count];
                var ids = new HashSet<long>(rows.Count);
                for (int i = 0; i < rows.Count; i++)
                {
                    var row = rows[i];
                    ids.Add(row.Id);
                    UpstreamRuntimeState runtime = runtimeStates.GetOrAdd(row.Id, static r => new UpstreamRuntimeState(
                        r.Status, r.Score, r.LatencyMs, r.ConsecutiveFailures, r.ExitIp), row);
                    upstreams[i] = new UpstreamProxy
                    {
                        Id = row.Id,
                        PoolName = row.PoolName,
                        Endpoint = new UpstreamEndpoint(row.Scheme, row.Host, row.Port, row.Username, row.Password),
                        Type = row.Type,
                        DeclaredCountry = row.DeclaredCountry,
                        City = row.City,
                        VerifiedCountry = row.VerifiedCountry,
                        Runtime = runtime,
                        Backconnect = row.Dialect is not null ? BackconnectOf(row.Id, row.Dialect, row.DialectTemplate, row.Countries) : null,
                        Cost = row.CostPerGb is null && row.CostPerRequest is null ? null : new UpstreamCost(row.CostPerGb, row.CostPerRequest),
                        IsRotatingExit = row.IsRotatingExit,
                    };
                }

                foreach (long id in runtimeStates.Ids)
                {
                    if (!ids.Contains(id))
                    {
                        runtimeStates.Remove(id);
                    }
                }

                foreach (long id in _backconnect.Keys)
                {
                    if (!ids.Contains(id))
                    {
                        _backconnect.TryRemove(id, out _);
                    }
                }

                var snapshot = new PoolSnapshot(upstreams, Interlocked.Increment(ref _version));
                Volatile.Write(ref _current, snapshot);
                Volatile.Write(ref _builtFrom, fingerprint);
                return true;
            }
        }
        finally
        {
            _rebuildGate.Release();
        }
    }

    private static async Task<StoreFingerprint> ReadFingerprintAsync(ProxyRotatorDbContext db, CancellationToken cancellationToken)
    {
        IQueryable<UpstreamEntity> upstreams = db.Upstreams.AsNoTracking();
        int count = await upstreams.CountAsync(cancellationToken).ConfigureAwait(false);
        long maxId = await upstreams.MaxAsync(u => (long?)u.Id, cancellationToken).ConfigureAwait(false) ?? 0;
        DateTimeOffset lastChange = await upstreams.OrderByDescending(u => u.MembershipChangedAt).Select(u => u.MembershipChangedAt)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return new StoreFingerprint(count, maxId, lastChange);
    }

    /// <summary>
    /// Changes when an upstream joins, leaves or is re-tagged (<see cref="UpstreamEntity.MembershipChangedAt"/>), not
    /// when its health or live figures are written.
    /// </summary>
    private sealed record StoreFingerprint(int Count, long MaxId, DateTimeOffset LastMembershipChange);
}
