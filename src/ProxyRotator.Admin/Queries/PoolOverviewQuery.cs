using Microsoft.EntityFrameworkCore;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.Core.Pool;
using ProxyRotator.Store;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Admin.Queries;

/// <summary>Pool-level figures: counts by status for <c>/api/pools</c>, and the census behind the <c>/metrics</c> gauges.</summary>
public sealed class PoolOverviewQuery(IDbContextFactory<ProxyRotatorDbContext> contextFactory)
{
    public async Task<IReadOnlyList<PoolDto>> ListPoolsAsync(CancellationToken cancellationToken)
    {
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            List<PoolEntity> pools = await db.Pools.AsNoTracking().Include(p => p.ProviderSources).OrderBy(p => p.Name)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var counts = await db.Upstreams.AsNoTracking()
                .GroupBy(u => new { u.PoolId, u.Status })
                .Select(g => new { g.Key.PoolId, g.Key.Status, Count = g.Count() })
                .ToListAsync(cancellationToken).ConfigureAwait(false);

            return [.. pools.Select(pool =>
            {
                int Count(UpstreamStatus status) => counts.Where(c => c.PoolId == pool.Id && c.Status == status).Sum(c => c.Count);
                var statusCounts = new StatusCountsDto(
                    Count(UpstreamStatus.Pending), Count(UpstreamStatus.Active), Count(UpstreamStatus.Quarantined), Count(UpstreamStatus.Retired));
                return new PoolDto(
                    pool.Name,
                    UpstreamDtoMapper.Lower(pool.Type),
                    statusCounts.Pending + statusCounts.Active + statusCounts.Quarantined + statusCounts.Retired,
                    statusCounts,
                    [.. pool.ProviderSources.OrderBy(p => p.Name).Select(p => new ProviderSourceDto(
                        p.Name, MaskQuery(p.Url), p.LastSyncAt, p.LastSuccessAt, CredentialMasking.Scrub(p.LastError, null), p.LastCount))]);
            })];
        }
    }

    public async Task<IReadOnlyList<UpstreamCensusRow>> CensusAsync(CancellationToken cancellationToken)
    {
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.Upstreams.AsNoTracking()
                .GroupBy(u => new { Pool = u.Pool!.Name, u.Status, u.Type, Country = u.VerifiedCountry ?? u.DeclaredCountry })
                .Select(g => new { g.Key.Pool, g.Key.Status, g.Key.Type, g.Key.Country, Count = g.Count() })
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. rows.Select(r => new UpstreamCensusRow(r.Pool, r.Status, r.Type, r.Country, r.Count))];
        }
    }

    /// <summary>Provider URLs carry keys in the user-info or the query (<c>?api_key=</c>): show neither.</summary>
    public static string MaskQuery(string url) => CredentialMasking.MaskUrl(url);
}
