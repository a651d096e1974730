using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Snapshots;

/// <summary>
/// Builds <see cref="PoolSnapshot"/>s of every non-retired upstream from the store and swaps them in atomically.
/// Readers only do a volatile read of <see cref="Current"/>; rebuilds are serialised among themselves. Each upstream
/// keeps one <see cref="UpstreamLoad"/> for as long as it stays in the pool, so in-flight counts survive rebuilds.
/// </summary>
public sealed class StorePoolSnapshotSource(IDbContextFactory<ProxyRotatorDbContext> contextFactory) : IPoolSnapshotSource, IDisposable
{
    private readonly ConcurrentDictionary<long, UpstreamLoad> _loads = new();
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

    /// <summary>Rebuilds only when the upstream table changed since the last build (cheap check); returns whether it did.</summary>
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
    /// coverage of no country rather than a guessed dialect.
    /// </summary>
    private BackconnectUpstream BackconnectOf(long id, string? dialect, string? template, string? countries)
    {
        if (_backconnect.TryGetValue(id, out BackconnectUpstream? known)
            && known.DialectName == dialect && known.TemplateJson == template && known.Countries.ToString() == CountryCoverage.Parse(countries).ToString())
        {
            return known;
        }

        BackconnectUpstream built = BackconnectUpstream.TryCreate(dialect ?? string.Empty, template, countries, known?.Health, out BackconnectUpstream? created, out _)
            ? created
            : new BackconnectUpstream
            {
                DialectName = dialect ?? string.Empty,
                Dialect = new UnusableDialect(dialect ?? string.Empty),
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
                    UpstreamLoad load = _loads.GetOrAdd(row.Id, static _ => new UpstreamLoad());
                    load.ResetTo(row.Score);
                    upstreams[i] = new UpstreamProxy
                    {
                        Id = row.Id,
                        PoolName = row.PoolName,
                        Endpoint = new UpstreamEndpoint(row.Scheme, row.Host, row.Port, row.Username, row.Password),
                        Type = row.Type,
                        Status = row.Status,
                        DeclaredCountry = row.DeclaredCountry,
                        City = row.City,
                        VerifiedCountry = row.VerifiedCountry,
                        ExitIp = row.ExitIp,
                        Score = row.Score,
                        Load = load,
                        Backconnect = row.Dialect is not null ? BackconnectOf(row.Id, row.Dialect, row.DialectTemplate, row.Countries) : null,
                        Cost = row.CostPerGb is null && row.CostPerRequest is null ? null : new UpstreamCost(row.CostPerGb, row.CostPerRequest),
                        IsRotatingExit = row.IsRotatingExit,
                    };
                }

                foreach (long id in _loads.Keys)
                {
                    if (!ids.Contains(id))
                    {
                        _loads.TryRemove(id, out _);
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
        DateTimeOffset lastUpdate = await upstreams.OrderByDescending(u => u.UpdatedAt).Select(u => u.UpdatedAt)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return new StoreFingerprint(count, maxId, lastUpdate);
    }

    /// <summary>Changes whenever an upstream is added or saved (<see cref="UpstreamEntity.UpdatedAt"/> is stamped on save).</summary>
    private sealed record StoreFingerprint(int Count, long MaxId, DateTimeOffset LastUpdate);
}
