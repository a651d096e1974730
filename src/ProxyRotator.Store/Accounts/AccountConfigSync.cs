using Microsoft.EntityFrameworkCore;
using ProxyRotator.Core.Accounts;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Accounts;

/// <summary>
/// Brings the configuration file's <c>users</c> into the store, as pools are: a user new to the store is added, a
/// known one gets the file's pools and, when the file's password no longer matches the stored hash, a new hash.
/// Enabled, limits and allowed addresses set through the API are kept. Where the file is the whole truth (SQLite),
/// an account that came from the file and is no longer in it is deleted; accounts added through the API never are.
/// </summary>
public sealed class AccountConfigSync(IDbContextFactory<ProxyRotatorDbContext> contextFactory, TimeProvider timeProvider)
{
    /// <returns>Accounts added, updated and deleted.</returns>
    public async Task<(int Added, int Updated, int Deleted)> SyncAsync(IReadOnlyList<UserOptions> users, bool deleteMissing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(users);
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.Accounts.ToDictionaryAsync(a => a.Name, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
            DateTimeOffset now = timeProvider.GetUtcNow();
            long version = Math.Max((rows.Count == 0 ? 0 : rows.Values.Max(a => a.Version)) + 1, now.UtcTicks);
            int added = 0, updated = 0, deleted = 0;
            foreach (UserOptions user in users)
            {
                string pools = AccountRecords.Join(user.Pools);
                if (!rows.TryGetValue(user.Name, out AccountEntity? row))
                {
                    db.Accounts.Add(new AccountEntity
                    {
                        Name = user.Name, PasswordHash = AccountPasswordHasher.Hash(user.Password), Pools = pools, FromConfig = true,
                        CreatedAt = now, UpdatedAt = now, Version = version++,
                    });
                    added++;
                    continue;
                }

                bool passwordChanged = !AccountPasswordHasher.Verify(user.Password, row.PasswordHash);
                if (passwordChanged || row.Pools != pools || !row.FromConfig)
                {
                    if (passwordChanged)
                    {
                        row.PasswordHash = AccountPasswordHasher.Hash(user.Password);
                    }

                    row.Pools = pools;
                    row.FromConfig = true;
                    row.UpdatedAt = now;
                    row.Version = version++;
                    updated++;
                }
            }

            if (deleteMissing)
            {
                var names = users.Select(u => u.Name).ToHashSet(StringComparer.Ordinal);
                foreach (AccountEntity gone in rows.Values.Where(r => r.FromConfig && !names.Contains(r.Name)))
                {
                    db.Accounts.Remove(gone);
                    deleted++;
                }
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return (added, updated, deleted);
        }
    }
}
