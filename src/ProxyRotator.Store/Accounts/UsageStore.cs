using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using ProxyRotator.Core.Accounts;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Accounts;

/// <summary>
/// Stored usage: the write-behind's flush of the <see cref="UsageLedger"/> (one transaction of prepared upserts that
/// add), the start-up seed of each account's day and month byte totals (so a restart does not reset a quota), and
/// the rows the admin API shows, with counts not yet flushed added.
/// </summary>
public sealed class UsageStore(IDbContextFactory<ProxyRotatorDbContext> contextFactory, UsageLedger ledger)
{
    private UsageWrites? _writes;

    public UsageLedger Ledger => ledger;

    /// <summary>Adds everything the ledger counted since the last flush to the store; on failure the counts go back.</summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<KeyValuePair<UsageKey, UsageCounts>> taken = ledger.Drain();
        if (taken.Count == 0)
        {
            return 0;
        }

        try
        {
            ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                _writes ??= UsageWrites.Create(db);
                await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                DbCommand upsert = _writes.CreateUpsert(db);
                await using (upsert.ConfigureAwait(false))
                {
                    foreach ((UsageKey key, UsageCounts counts) in taken)
                    {
                        await _writes.AddAsync(upsert, key, counts, cancellationToken).ConfigureAwait(false);
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            ledger.Restore(taken);
            throw;
        }

        return taken.Count;
    }

    /// <summary>Sets every account's running totals from the stored rows of today and this month (start-up).</summary>
    public async Task SeedTotalsAsync(CancellationToken cancellationToken)
    {
        DateOnly today = ledger.Today;
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.AccountUsage.AsNoTracking()
                .Where(u => u.Day >= monthStart)
                .GroupBy(u => new { u.Account, u.Day })
                .Select(g => new { g.Key.Account, g.Key.Day, Bytes = g.Sum(u => u.BytesUp + u.BytesDown) })
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var account in rows.GroupBy(r => r.Account))
            {
                ledger.Seed(account.Key, account.Where(r => r.Day == today).Sum(r => r.Bytes), account.Sum(r => r.Bytes));
            }
        }
    }

    /// <summary>Usage rows from <paramref name="from"/> to <paramref name="to"/> (UTC days, inclusive), stored plus not yet flushed.</summary>
    public async Task<IReadOnlyList<KeyValuePair<UsageKey, UsageCounts>>> QueryAsync(string? account, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var merged = new Dictionary<UsageKey, UsageCounts>();
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            IQueryable<AccountUsageEntity> query = db.AccountUsage.AsNoTracking().Where(u => u.Day >= from && u.Day <= to);
            if (account is not null)
            {
                query = query.Where(u => u.Account == account);
            }

            foreach (AccountUsageEntity row in await query.ToListAsync(cancellationToken).ConfigureAwait(false))
            {
                merged[new UsageKey(row.Account, row.Pool, row.Day, row.Outcome)] = new UsageCounts(row.Requests, row.BytesUp, row.BytesDown);
            }
        }

        foreach ((UsageKey key, UsageCounts counts) in ledger.Pending())
        {
            if (key.Day >= from && key.Day <= to && (account is null || key.Account == account))
            {
                merged[key] = merged.GetValueOrDefault(key) + counts;
            }
        }

        return [.. merged.OrderBy(p => p.Key.Day).ThenBy(p => p.Key.Account, StringComparer.Ordinal).ThenBy(p => p.Key.Pool, StringComparer.Ordinal).ThenBy(p => p.Key.Outcome, StringComparer.Ordinal)];
    }
}
