using Microsoft.EntityFrameworkCore;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Health;

/// <summary>
/// The bounded probe history of each upstream: appending keeps only the newest <see cref="Limit"/> results per
/// upstream, so the table does not grow with uptime.
/// </summary>
public sealed class HealthCheckHistory(IDbContextFactory<ProxyRotatorDbContext> contextFactory, int limit = HealthCheckHistory.DefaultLimit)
{
    public const int DefaultLimit = 50;

    public int Limit { get; } = limit > 0 ? limit : DefaultLimit;

    public Task AppendAsync(HealthCheckResultEntity result, CancellationToken cancellationToken) =>
        AppendAsync([result], cancellationToken);

    /// <summary>Stores <paramref name="results"/> and trims the history of every upstream they concern.</summary>
    public async Task AppendAsync(IReadOnlyCollection<HealthCheckResultEntity> results, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0)
        {
            return;
        }

        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            db.HealthCheckResults.AddRange(results);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await TrimAsync(db, results.Select(r => r.UpstreamId).Distinct(), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Deletes all but the newest <see cref="Limit"/> results of each given upstream. For callers that add results
    /// in their own context (together with upstream updates): call after their save.
    /// </summary>
    public async Task TrimAsync(ProxyRotatorDbContext db, IEnumerable<long> upstreamIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        foreach (long upstreamId in upstreamIds)
        {
            // Ids grow with insertion, so the newest results have the largest ids.
            long cutoff = await db.HealthCheckResults.Where(r => r.UpstreamId == upstreamId)
                .OrderByDescending(r => r.Id).Select(r => r.Id).Skip(Limit)
                .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (cutoff > 0)
            {
                await db.HealthCheckResults.Where(r => r.UpstreamId == upstreamId && r.Id <= cutoff)
                    .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The stored results of one upstream, newest first.</summary>
    public async Task<IReadOnlyList<HealthCheckResultEntity>> ListAsync(long upstreamId, CancellationToken cancellationToken)
    {
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.HealthCheckResults.AsNoTracking().Where(r => r.UpstreamId == upstreamId)
                .OrderByDescending(r => r.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
