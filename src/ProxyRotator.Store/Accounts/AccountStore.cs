using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using ProxyRotator.Core.Accounts;
using ProxyRotator.Core.Cluster;
using ProxyRotator.Core.Policy;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Accounts;

/// <summary>
/// Adds, changes and deletes accounts in the store, and publishes the result to the gateway at once
/// (<see cref="AccountTableLoader"/>); other instances reload at once through the cluster change feed (PostgreSQL), or at their next change-version poll. Passwords are hashed
/// here (PBKDF2) and never stored or returned in clear; a generated password is returned once, to the caller.
/// </summary>
public sealed class AccountStore(
    IDbContextFactory<ProxyRotatorDbContext> contextFactory, AccountTableLoader loader, TimeProvider timeProvider, IClusterChangeFeed? clusterFeed = null)
{
    /// <summary>Length of a generated password (letters and digits).</summary>
    public const int GeneratedPasswordLength = 24;

    public async Task<IReadOnlyList<AccountDefinition>> ListAsync(CancellationToken cancellationToken)
    {
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.Accounts.AsNoTracking().OrderBy(a => a.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. rows.Select(AccountRecords.ToDefinition)];
        }
    }

    public async Task<AccountDefinition?> GetAsync(string name, CancellationToken cancellationToken)
    {
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            AccountEntity? row = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Name == name, cancellationToken).ConfigureAwait(false);
            return row is null ? null : AccountRecords.ToDefinition(row);
        }
    }

    /// <summary>
    /// Adds an account. Without <paramref name="password"/> and without allowed addresses a password is generated
    /// and returned as <c>GeneratedPassword</c> (shown once).
    /// </summary>
    public async Task<(AccountStoreResult Result, string? GeneratedPassword)> AddAsync(
        string name, string? password, AccountChange settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (AccountValidation.NameProblem(name) is { } nameProblem)
        {
            return (AccountStoreResult.Fail(AccountStoreError.Invalid, nameProblem), null);
        }

        string? generated = null;
        if (password is null && settings.AllowedAddresses is not { Count: > 0 })
        {
            password = generated = GeneratePassword();
        }

        if (password is not null && AccountValidation.PasswordProblem(password) is { } passwordProblem)
        {
            return (AccountStoreResult.Fail(AccountStoreError.Invalid, passwordProblem), null);
        }

        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (await db.Accounts.AnyAsync(a => a.Name == name, cancellationToken).ConfigureAwait(false))
            {
                return (AccountStoreResult.Fail(AccountStoreError.Conflict, $"account '{name}' exists"), null);
            }

            DateTimeOffset now = timeProvider.GetUtcNow();
            var row = new AccountEntity { Name = name, CreatedAt = now };
            if (await ApplyAsync(db, row, settings, cancellationToken).ConfigureAwait(false) is { } problem)
            {
                return (AccountStoreResult.Fail(AccountStoreError.Invalid, problem), null);
            }

            row.PasswordHash = password is null ? null : AccountPasswordHasher.Hash(password);
            await StampAsync(db, row, now, cancellationToken).ConfigureAwait(false);
            db.Accounts.Add(row);
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException)
            {
                return (AccountStoreResult.Fail(AccountStoreError.Conflict, $"account '{name}' exists"), null);
            }

            await loader.LoadAsync(cancellationToken).ConfigureAwait(false);
            clusterFeed?.Publish(ClusterChange.AccountsChanged()); // other instances reload at once
            return (new AccountStoreResult(AccountRecords.ToDefinition(row)), generated);
        }
    }

    /// <summary>Enables or disables, sets pools, limits, allowed addresses, outbound rules and the exclusive-exits default.</summary>
    public Task<AccountStoreResult> UpdateAsync(string name, AccountChange change, CancellationToken cancellationToken) =>
        ChangeAsync(name, (db, row, ct) => ApplyAsync(db, row, change, ct), cancellationToken);

    /// <summary>Sets a new password (or generates one, returned once); the old one stops working with the next request.</summary>
    public async Task<(AccountStoreResult Result, string? GeneratedPassword)> SetPasswordAsync(string name, string? password, CancellationToken cancellationToken)
    {
        string? generated = password is null ? GeneratePassword() : null;
        string chosen = password ?? generated!;
        if (AccountValidation.PasswordProblem(chosen) is { } problem)
        {
            return (AccountStoreResult.Fail(AccountStoreError.Invalid, problem), null);
        }

        string hash = AccountPasswordHasher.Hash(chosen);
        AccountStoreResult result = await ChangeAsync(name, (_, row, _) =>
        {
            row.PasswordHash = hash;
            return Task.FromResult<string?>(null);
        }, cancellationToken).ConfigureAwait(false);
        return (result, result.Succeeded ? generated : null);
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            int deleted = await db.Accounts.Where(a => a.Name == name).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            if (deleted == 0)
            {
                return false;
            }
        }

        await loader.LoadAsync(cancellationToken).ConfigureAwait(false);
        clusterFeed?.Publish(ClusterChange.AccountsChanged()); // other instances reload at once
        return true;
    }

    internal static string GeneratePassword() =>
        RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", GeneratedPasswordLength);

    /// <summary>A version above every stored one and at least the current time in ticks, so changes on two instances differ.</summary>
    internal static async Task StampAsync(ProxyRotatorDbContext db, AccountEntity row, DateTimeOffset now, CancellationToken cancellationToken)
    {
        long max = await db.Accounts.MaxAsync(a => (long?)a.Version, cancellationToken).ConfigureAwait(false) ?? 0;
        row.Version = Math.Max(max + 1, now.UtcTicks);
        row.UpdatedAt = now;
    }

    private async Task<AccountStoreResult> ChangeAsync(string name, Func<ProxyRotatorDbContext, AccountEntity, CancellationToken, Task<string?>> change, CancellationToken cancellationToken)
    {
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            AccountEntity? row = await db.Accounts.FirstOrDefaultAsync(a => a.Name == name, cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                return AccountStoreResult.Fail(AccountStoreError.NotFound, $"no account '{name}'");
            }

            if (await change(db, row, cancellationToken).ConfigureAwait(false) is { } problem)
            {
                return AccountStoreResult.Fail(AccountStoreError.Invalid, problem);
            }

            await StampAsync(db, row, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await loader.LoadAsync(cancellationToken).ConfigureAwait(false);
            clusterFeed?.Publish(ClusterChange.AccountsChanged()); // other instances reload at once
            return new AccountStoreResult(AccountRecords.ToDefinition(row));
        }
    }

    private static async Task<string?> ApplyAsync(ProxyRotatorDbContext db, AccountEntity row, AccountChange change, CancellationToken cancellationToken)
    {
        if (change.Pools is { } pools)
        {
            if (pools.Count == 0)
            {
                return "pools: list at least one pool, or \"*\" for all";
            }

            if (!pools.Contains("*"))
            {
                var known = (await db.Pools.Select(p => p.Name).ToListAsync(cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.OrdinalIgnoreCase);
                if (pools.FirstOrDefault(p => !known.Contains(p)) is { } unknown)
                {
                    return $"pools: unknown pool '{unknown}'";
                }
            }

            row.Pools = AccountRecords.Join(pools);
        }

        if (change.AllowedAddresses is { } addresses)
        {
            if (addresses.FirstOrDefault(a => !AccountDirectory.TryParseNetwork(a, out _)) is { } bad)
            {
                return $"allowedAddresses: '{bad}' is not an IP address or CIDR range";
            }

            row.AllowedAddresses = AccountRecords.Join(addresses);
        }

        if (change.Limits is { } limits)
        {
            if (limits.Validate() is { } problem)
            {
                return "limits: " + problem;
            }

            AccountRecords.SetLimits(row, limits);
        }

        if (change.OutboundAllow is not null || change.OutboundDeny is not null)
        {
            IEnumerable<string> allow = change.OutboundAllow ?? AccountRecords.Split(row.OutboundAllow);
            IEnumerable<string> deny = change.OutboundDeny ?? AccountRecords.Split(row.OutboundDeny);
            if (!OutboundRules.TryParse(allow, deny, out OutboundRules rules, out string? ruleProblem))
            {
                return "outbound: " + ruleProblem;
            }

            row.OutboundAllow = AccountRecords.Join(rules.Allow);
            row.OutboundDeny = AccountRecords.Join(rules.Deny);
        }

        if (change.ExclusiveExits is { } exclusive)
        {
            row.ExclusiveExits = exclusive;
        }

        if (change.Enabled is { } enabled)
        {
            row.Enabled = enabled;
        }

        return null;
    }
}
