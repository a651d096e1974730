using Microsoft.EntityFrameworkCore;
using ProxyRotator.Core.Accounts;

namespace ProxyRotator.Store.Accounts;

/// <summary>
/// Publishes the stored accounts to the <see cref="AccountDirectory"/>: at start-up, at once after a change made
/// here, and when <see cref="RefreshIfChangedAsync"/> sees that another instance changed them (the change version:
/// the largest <c>Version</c> and the number of rows, one cheap query).
/// </summary>
public sealed class AccountTableLoader(IDbContextFactory<ProxyRotatorDbContext> contextFactory, AccountDirectory directory) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (int Count, long MaxVersion) _loaded = (-1, -1);

    public void Dispose() => _gate.Dispose();

    /// <summary>Loads every account and publishes them (the gateway uses them from its next request).</summary>
    public async Task<AccountTable> LoadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                var rows = await db.Accounts.AsNoTracking().OrderBy(a => a.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
                _loaded = (rows.Count, rows.Count == 0 ? 0 : rows.Max(a => a.Version));
                return directory.Publish(rows.Select(AccountRecords.ToDefinition));
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reloads when the stored accounts changed since the last load; true when it did.</summary>
    public async Task<bool> RefreshIfChangedAsync(CancellationToken cancellationToken)
    {
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        (int Count, long MaxVersion) now;
        await using (db.ConfigureAwait(false))
        {
            int count = await db.Accounts.CountAsync(cancellationToken).ConfigureAwait(false);
            long max = await db.Accounts.MaxAsync(a => (long?)a.Version, cancellationToken).ConfigureAwait(false) ?? 0;
            now = (count, max);
        }

        if (now == _loaded)
        {
            return false;
        }

        await LoadAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }
}
