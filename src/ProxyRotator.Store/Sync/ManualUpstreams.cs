using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Pool;
using ProxyRotator.Store.Entities;
using ProxyRotator.Store.Snapshots;

namespace ProxyRotator.Store.Sync;

/// <summary>
/// Upstreams an operator adds or retires by hand (admin API, <c>proxies add|retire</c>). Added ones belong to the
/// <see cref="AdminSource"/> source, so configuration and provider syncs leave them alone.
/// </summary>
public sealed class ManualUpstreams(
    IDbContextFactory<ProxyRotatorDbContext> contextFactory,
    StorePoolSnapshotSource snapshots,
    TimeProvider timeProvider,
    ILogger<ManualUpstreams> logger)
{
    public const string AdminSource = "admin";
    public const string RetiredByOperatorReason = "retired by operator";

    /// <summary>
    /// Adds <paramref name="upstream"/> to <paramref name="poolName"/> as pending. When the pool already has that
    /// address, a live one is returned unchanged (<c>Created</c> false) and a retired one comes back as pending.
    /// </summary>
    /// <exception cref="InvalidOperationException">The pool does not exist.</exception>
    public async Task<(UpstreamEntity Upstream, bool Created)> AddAsync(string poolName, DiscoveredUpstream upstream, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(poolName);
        ArgumentNullException.ThrowIfNull(upstream);
        DateTimeOffset now = timeProvider.GetUtcNow();
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            PoolEntity pool = await db.Pools.SingleOrDefaultAsync(p => p.Name == poolName, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"pool '{poolName}' does not exist");
            string key = upstream.Endpoint.Address;
            UpstreamEntity? existing = await db.Upstreams
                .SingleOrDefaultAsync(u => u.PoolId == pool.Id && u.AddressKey == key, cancellationToken).ConfigureAwait(false);
            bool created;
            if (existing is null)
            {
                existing = new UpstreamEntity
                {
                    PoolId = pool.Id,
                    Scheme = upstream.Endpoint.Scheme,
                    Host = upstream.Endpoint.Host,
                    Port = upstream.Endpoint.Port,
                    Username = upstream.Endpoint.Username,
                    Password = upstream.Endpoint.Password,
                    AddressKey = key,
                    Type = upstream.Type ?? pool.Type,
                    DeclaredCountry = PoolSynchronizer.NormalizeCountry(upstream.Country),
                    City = PoolSynchronizer.NormalizeCity(upstream.City),
                    Source = AdminSource,
                    CreatedAt = now,
                    NextCheckAt = now,
                };
                existing.InitializeStatus(UpstreamStatus.Pending, "added by operator", now);
                db.Upstreams.Add(existing);
                created = true;
            }
            else if (existing.Status == UpstreamStatus.Retired)
            {
                existing.Username = upstream.Endpoint.Username;
                existing.Password = upstream.Endpoint.Password;
                existing.Type = upstream.Type ?? pool.Type;
                existing.DeclaredCountry = PoolSynchronizer.NormalizeCountry(upstream.Country);
                existing.City = PoolSynchronizer.NormalizeCity(upstream.City);
                existing.Source = AdminSource;
                existing.ConsecutiveFailures = 0;
                existing.ConsecutiveSuccesses = 0;
                existing.FailedRechecks = 0;
                existing.NextCheckAt = now;
                existing.ChangeStatus(UpstreamStatus.Pending, "added again by operator", now);
                created = true;
            }
            else
            {
                return (existing, false);
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Operator added {Upstream} to pool {Pool}", existing.ToMaskedUrl(), poolName);
            await snapshots.RefreshIfStartedAsync(cancellationToken).ConfigureAwait(false);
            return (existing, created);
        }
    }

    /// <summary>Retires one upstream (kept for history). Returns false when there is no such upstream.</summary>
    public async Task<bool> RetireAsync(long upstreamId, string reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            UpstreamEntity? upstream = await db.Upstreams.SingleOrDefaultAsync(u => u.Id == upstreamId, cancellationToken).ConfigureAwait(false);
            if (upstream is null)
            {
                return false;
            }

            if (upstream.ChangeStatus(UpstreamStatus.Retired, reason, timeProvider.GetUtcNow()))
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                logger.LogInformation("Upstream #{Id} retired: {Reason}", upstreamId, reason);
                await snapshots.RefreshIfStartedAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
    }
}
