using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.GeoIp;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Store.Entities;
using ProxyRotator.Store.Infrastructure;
using ProxyRotator.Store.Snapshots;

namespace ProxyRotator.Store.Sync;

/// <summary>
/// Merges what a source lists (the configuration file or a provider API) into the store, idempotently:
/// new upstreams are added as <see cref="UpstreamStatus.Pending"/>, changed tags or credentials are updated, and
/// upstreams the source no longer lists are retired (never deleted; one that comes back is pending again).
/// Upstreams are identified per pool by <see cref="UpstreamEndpoint.Address"/> (scheme, host and port).
/// </summary>
/// <remarks>
/// <para>
/// Ownership: each upstream belongs to one source. The configuration file takes over an upstream that a provider
/// also lists (it is the operator's explicit word); a provider never takes over a live upstream of another source.
/// Each call is one transaction, so a sync is applied whole or not at all; it holds the cluster-wide sync lock
/// (<see cref="PoolSyncLock"/>) and is read and applied again when a row it changes was written meanwhile
/// (<see cref="OptimisticConcurrency"/>).
/// </para>
/// <para>
/// Who owns the pool when several instances share a PostgreSQL database: the database is the truth. <c>serve</c>
/// seeds an empty database from its file (<see cref="SeedConfigAsync"/>) and otherwise leaves the pool alone;
/// <c>import</c> and <c>POST /api/import</c> apply a file in full (<see cref="SyncConfigAsync"/>).
/// </para>
/// </remarks>
public sealed class PoolSynchronizer(
    IDbContextFactory<ProxyRotatorDbContext> contextFactory,
    StorePoolSnapshotSource snapshots,
    TimeProvider timeProvider,
    ILogger<PoolSynchronizer> logger) : IDisposable
{
    public const string RemovedFromConfigurationReason = "removed from configuration";

    // Syncs read, then write: two at once (an import and a provider job) could both add the same address.
    private readonly SemaphoreSlim _syncGate = new(1, 1);

    /// <summary>Syncs every pool of <paramref name="config"/>, its static proxies and its provider entries.</summary>
    public async Task<PoolSyncResult> SyncConfigAsync(ProxyRotatorConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        PoolSyncResult result = (await SerializedAsync(ct => OptimisticConcurrency.RetryAsync(c => SyncConfigCoreAsync(config, onlyIfEmpty: false, c), ct), cancellationToken).ConfigureAwait(false))!;
        await AfterChangeAsync(result, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// The start-up sync of an instance that shares its database with others (PostgreSQL): the database is the
    /// truth, so the file is applied in full (<see cref="SyncConfigAsync"/>) only when the database holds no pool yet
    /// — the first instance to start seeds it, under the cluster-wide sync lock. Otherwise nothing is changed: an
    /// instance never retires (or revives, or re-tags) upstreams because its own file differs; <c>import</c>,
    /// <c>POST /api/import</c> and the admin API change a shared pool. Returns null when the database was already seeded.
    /// </summary>
    public async Task<PoolSyncResult?> SeedConfigAsync(ProxyRotatorConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        PoolSyncResult? result = await SerializedAsync<PoolSyncResult?>(
            ct => OptimisticConcurrency.RetryAsync(c => SyncConfigCoreAsync(config, onlyIfEmpty: true, c), ct), cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            logger.LogInformation("The database already holds the pools; this instance's configuration file was not applied (run 'import' to apply a file)");
            return null;
        }

        await AfterChangeAsync(result, cancellationToken).ConfigureAwait(false);
        return result;
    }

    private async Task<PoolSyncResult?> SyncConfigCoreAsync(ProxyRotatorConfig config, bool onlyIfEmpty, CancellationToken cancellationToken)
    {
        DateTimeOffset now = timeProvider.GetUtcNow();
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await PoolSyncLock.AcquireAsync(db, cancellationToken).ConfigureAwait(false);
                if (onlyIfEmpty && await db.Pools.AnyAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                PoolSyncResult result = await SyncConfigInTransactionAsync(db, config, now, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
        }
    }

    private async Task<PoolSyncResult> SyncConfigInTransactionAsync(ProxyRotatorDbContext db, ProxyRotatorConfig config, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Dictionary<string, PoolEntity> pools = await db.Pools.Include(p => p.ProviderSources)
            .ToDictionaryAsync(p => p.Name, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);

        PoolSyncResult result = PoolSyncResult.None;
        foreach (PoolOptions poolOptions in config.Pools)
        {
            (PoolEntity pool, PoolSyncResult poolResult) = EnsurePool(db, pools, poolOptions, now);
            result += poolResult;
            SyncProviderSources(pool, poolOptions);

            IEnumerable<DiscoveredUpstream> listed = poolOptions.Proxies.Select(p => new DiscoveredUpstream(p.Endpoint, p.Type, p.Country, p.City)
            {
                Backconnect = p.Backconnect,
                Cost = p.Cost ?? poolOptions.Cost,
            });
            result += await MergeAsync(db, pool, UpstreamEntity.ConfigSource, listed, RemovedFromConfigurationReason, now, cancellationToken)
                .ConfigureAwait(false);
        }

        // Config upstreams of pools that left the file go too.
        var configuredPoolNames = config.Pools.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        int[] droppedPoolIds = [.. pools.Values.Where(p => !configuredPoolNames.Contains(p.Name) && p.Id != 0).Select(p => p.Id)];
        if (droppedPoolIds.Length > 0)
        {
            List<UpstreamEntity> orphans = await db.Upstreams
                .Where(u => droppedPoolIds.Contains(u.PoolId) && u.Source == UpstreamEntity.ConfigSource && u.Status != UpstreamStatus.Retired)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (UpstreamEntity orphan in orphans)
            {
                orphan.ChangeStatus(UpstreamStatus.Retired, RemovedFromConfigurationReason, now);
            }

            result += new PoolSyncResult(0, 0, orphans.Count);
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        logger.LogInformation(
            "Configuration sync: {Added} added, {Updated} updated, {Retired} retired, {PoolsAdded} pool(s) created",
            result.Added, result.Updated, result.Retired, result.PoolsAdded);
        return result;
    }

    /// <summary>
    /// Merges the full list one source (e.g. <c>provider:acme</c>) currently gives for <paramref name="poolName"/>:
    /// the same add/update/retire rules as <see cref="SyncConfigAsync"/>, limited to that source's upstreams.
    /// </summary>
    /// <exception cref="InvalidOperationException">The pool does not exist (sync the configuration first).</exception>
    public async Task<PoolSyncResult> MergeSourceAsync(
        string poolName, string source, IReadOnlyList<DiscoveredUpstream> upstreams, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(poolName);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentNullException.ThrowIfNull(upstreams);
        PoolSyncResult result = await SerializedAsync(ct => OptimisticConcurrency.RetryAsync(c => MergeSourceCoreAsync(poolName, source, upstreams, c), ct), cancellationToken)
            .ConfigureAwait(false);
        await AfterChangeAsync(result, cancellationToken).ConfigureAwait(false);
        return result;
    }

    private async Task<PoolSyncResult> MergeSourceCoreAsync(
        string poolName, string source, IReadOnlyList<DiscoveredUpstream> upstreams, CancellationToken cancellationToken)
    {
        DateTimeOffset now = timeProvider.GetUtcNow();
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using ConfiguredAsyncDisposable _ = transaction.ConfigureAwait(false);
            await PoolSyncLock.AcquireAsync(db, cancellationToken).ConfigureAwait(false);
            PoolEntity pool = await db.Pools.SingleOrDefaultAsync(p => p.Name == poolName, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"pool '{poolName}' does not exist; sync the configuration first");

            string reason = source == UpstreamEntity.ConfigSource ? RemovedFromConfigurationReason : $"no longer listed by {source}";
            PoolSyncResult result = await MergeAsync(db, pool, source, upstreams, reason, now, cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            logger.LogInformation(
                "Sync of {Source} into pool {Pool}: {Added} added, {Updated} updated, {Retired} retired",
                source, poolName, result.Added, result.Updated, result.Retired);
            return result;
        }
    }

    /// <summary>
    /// Records the outcome of one provider fetch (the error is shown to operators; the pool is untouched by a failure).
    /// On success <paramref name="error"/> may carry a note (entries skipped as invalid); null clears the last error.
    /// </summary>
    public async Task RecordProviderSyncAsync(
        string poolName, string providerName, bool success, int? count, string? error, CancellationToken cancellationToken)
    {
        DateTimeOffset now = timeProvider.GetUtcNow();
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            ProviderSourceEntity? provider = await db.ProviderSources
                .SingleOrDefaultAsync(p => p.Pool!.Name == poolName && p.Name == providerName, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"provider '{providerName}' of pool '{poolName}' is not in the store; sync the configuration first");

            provider.LastSyncAt = now;
            if (success)
            {
                provider.LastSuccessAt = now;
                provider.LastCount = count;
                provider.LastError = Truncate(error, 2048);
            }
            else
            {
                provider.LastError = Truncate(error, 2048);
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The source value of upstreams listed by the named provider.</summary>
    public static string ProviderSource(string providerName) => UpstreamEntity.ProviderSourcePrefix + providerName;

    private static (PoolEntity Pool, PoolSyncResult Result) EnsurePool(
        ProxyRotatorDbContext db, Dictionary<string, PoolEntity> pools, PoolOptions options, DateTimeOffset now)
    {
        if (!pools.TryGetValue(options.Name, out PoolEntity? pool))
        {
            pool = new PoolEntity { Name = options.Name, Type = options.Type, CreatedAt = now };
            db.Pools.Add(pool);
            pools.Add(pool.Name, pool);
            return (pool, PoolSyncResult.None with { PoolsAdded = 1 });
        }

        if (pool.Type != options.Type)
        {
            pool.Type = options.Type;
            return (pool, PoolSyncResult.None with { PoolsUpdated = 1 });
        }

        return (pool, PoolSyncResult.None);
    }

    private static void SyncProviderSources(PoolEntity pool, PoolOptions options)
    {
        foreach (ProviderOptions provider in options.Providers)
        {
            ProviderSourceEntity? existing = pool.ProviderSources.FirstOrDefault(p => p.Name == provider.Name);
            if (existing is null)
            {
                pool.ProviderSources.Add(new ProviderSourceEntity { Name = provider.Name, Url = provider.Url });
            }
            else if (existing.Url != provider.Url)
            {
                existing.Url = provider.Url;
            }
        }
    }

    private static async Task<PoolSyncResult> MergeAsync(
        ProxyRotatorDbContext db,
        PoolEntity pool,
        string source,
        IEnumerable<DiscoveredUpstream> listed,
        string retireReason,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        // Read without tracking: a large pool that did not change costs one read and no change detection.
        List<UpstreamEntity> existing = pool.Id == 0
            ? []
            : await db.Upstreams.AsNoTracking().Where(u => u.PoolId == pool.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        Dictionary<string, UpstreamEntity> byKey = existing.ToDictionary(u => u.AddressKey, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int added = 0, updated = 0, retired = 0;

        foreach (DiscoveredUpstream item in listed)
        {
            string key = item.AddressKey;
            if (!seen.Add(key))
            {
                continue; // the first listing of an address wins
            }

            UpstreamType type = item.Type ?? pool.Type;
            string? country = NormalizeCountry(item.Country);
            string? city = NormalizeCity(item.City);

            if (!byKey.TryGetValue(key, out UpstreamEntity? upstream))
            {
                upstream = new UpstreamEntity
                {
                    Pool = pool,
                    Scheme = item.Endpoint.Scheme,
                    Host = item.Endpoint.Host,
                    Port = item.Endpoint.Port,
                    AddressKey = key,
                    Source = source,
                    CreatedAt = now,
                    UpdatedAt = now,
                    NextCheckAt = now,
                };
                Apply(upstream, item.Endpoint, type, country, city, now);
                ApplyKind(upstream, item);
                upstream.InitializeStatus(UpstreamStatus.Pending, $"added by {Describe(source)}", now);
                db.Upstreams.Add(upstream);
                byKey.Add(key, upstream);
                added++;
                continue;
            }

            bool ownedElsewhere = upstream.Source != source && upstream.Status != UpstreamStatus.Retired;
            if (ownedElsewhere && source != UpstreamEntity.ConfigSource)
            {
                continue;
            }

            bool revive = upstream.Status == UpstreamStatus.Retired;
            bool takeOver = upstream.Source != source;
            if (!revive && !takeOver && !Differs(upstream, item.Endpoint, type, country, city) && !KindDiffers(upstream, item))
            {
                continue; // the common case of a repeated sync: nothing tracked, nothing written
            }

            db.Upstreams.Attach(upstream); // before any change, so EF sees what changed
            Apply(upstream, item.Endpoint, type, country, city, now);
            ApplyKind(upstream, item);
            upstream.Source = source;
            if (revive)
            {
                upstream.ChangeStatus(UpstreamStatus.Pending, $"listed again by {Describe(source)}", now);
                upstream.ConsecutiveFailures = 0;
                upstream.ConsecutiveSuccesses = 0;
                upstream.FailedRechecks = 0;
                upstream.NextCheckAt = now;
                added++;
            }
            else
            {
                updated++;
            }
        }

        foreach (UpstreamEntity upstream in existing)
        {
            if (upstream.Source == source && upstream.Status != UpstreamStatus.Retired && !seen.Contains(upstream.AddressKey))
            {
                db.Upstreams.Attach(upstream);
                upstream.ChangeStatus(UpstreamStatus.Retired, retireReason, now);
                retired++;
            }
        }

        return new PoolSyncResult(added, updated, retired);
    }

    private static bool Differs(UpstreamEntity upstream, UpstreamEndpoint endpoint, UpstreamType type, string? country, string? city) =>
        !string.Equals(upstream.Username, endpoint.Username, StringComparison.Ordinal)
        || !string.Equals(upstream.Password, endpoint.Password, StringComparison.Ordinal)
        || upstream.Host != endpoint.Host
        || upstream.Type != type
        || upstream.DeclaredCountry != country
        || upstream.City != city;

    private static bool KindDiffers(UpstreamEntity upstream, DiscoveredUpstream item)
    {
        var wanted = new UpstreamEntity { Host = string.Empty, AddressKey = string.Empty, Source = string.Empty };
        ApplyKind(wanted, item);
        return upstream.Dialect != wanted.Dialect
            || upstream.DialectTemplate != wanted.DialectTemplate
            || upstream.Countries != wanted.Countries
            || upstream.CostPerGb != wanted.CostPerGb
            || upstream.CostPerRequest != wanted.CostPerRequest;
    }

    /// <summary>Copies kind, dialect, countries and cost (a static upstream clears the backconnect fields).</summary>
    private static void ApplyKind(UpstreamEntity upstream, DiscoveredUpstream item)
    {
        BackconnectOptions? backconnect = item.Backconnect;
        upstream.Dialect = backconnect?.DialectName;
        upstream.DialectTemplate = backconnect?.Template is { } template ? BackconnectUpstream.SerializeTemplate(template) : null;
        upstream.Countries = backconnect?.Countries.ToString();
        upstream.CostPerGb = item.Cost?.PerGb;
        upstream.CostPerRequest = item.Cost?.PerRequest;
    }

    /// <summary>Copies the listed facts; returns whether anything changed. New credentials make the upstream due for a check.</summary>
    private static bool Apply(UpstreamEntity upstream, UpstreamEndpoint endpoint, UpstreamType type, string? country, string? city, DateTimeOffset now)
    {
        bool changed = false;
        if (!string.Equals(upstream.Username, endpoint.Username, StringComparison.Ordinal)
            || !string.Equals(upstream.Password, endpoint.Password, StringComparison.Ordinal))
        {
            upstream.Username = endpoint.Username;
            upstream.Password = endpoint.Password;
            upstream.NextCheckAt = now;
            changed = true;
        }

        if (upstream.Host != endpoint.Host)
        {
            upstream.Host = endpoint.Host; // same address key, different spelling (e.g. IPv6 brackets)
            changed = true;
        }

        if (upstream.Type != type)
        {
            upstream.Type = type;
            changed = true;
        }

        if (upstream.DeclaredCountry != country)
        {
            upstream.DeclaredCountry = country;
            changed = true;
        }

        if (upstream.City != city)
        {
            upstream.City = city;
            changed = true;
        }

        return changed;
    }

    public void Dispose() => _syncGate.Dispose();

    private async Task<T> SerializedAsync<T>(Func<CancellationToken, Task<T>> sync, CancellationToken cancellationToken)
    {
        await _syncGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await sync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _syncGate.Release();
        }
    }

    private async Task AfterChangeAsync(PoolSyncResult result, CancellationToken cancellationToken)
    {
        if (result.HasChanges)
        {
            await snapshots.RefreshIfStartedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Describe(string source) => source == UpstreamEntity.ConfigSource ? "configuration" : source;

    // Callers (configuration, provider lists) have validated already; what does not normalise is dropped, never stored raw.
    internal static string? NormalizeCountry(string? country) =>
        IsoCountryCodes.TryNormalizeOptional(country, out string? code) ? code : null;

    internal static string? NormalizeCity(string? city) =>
        CityNames.TryNormalizeOptional(city, out string? normalized) ? normalized : null;

    private static string? Truncate(string? text, int length) => text is null || text.Length <= length ? text : text[..length];
}
