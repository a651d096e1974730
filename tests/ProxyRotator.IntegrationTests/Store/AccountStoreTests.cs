using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Accounts;
using ProxyRotator.Core.Configuration;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Store;
using ProxyRotator.Store.Accounts;

namespace ProxyRotator.IntegrationTests.Store;

/// <summary>
/// Accounts and usage in the store, across instances over one database: a change made on one instance reaches
/// another at its next change-version poll, usage flushed by several instances adds up, and a new instance starts
/// with the day and month totals the quotas count. Runs on SQLite; <see cref="AccountStorePostgreSqlTests"/> runs
/// the same tests on PostgreSQL.
/// </summary>
public class AccountStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    protected virtual StoreProvider Provider => StoreProvider.Sqlite;

    [StoreFact]
    public async Task AddAndDisable_OnOneInstance_ReachAnotherAtItsNextPoll()
    {
        await using StoreTestDatabase database = await StoreTestDatabase.CreateAsync(Provider);
        IServiceProvider other = database.OpenInstance();
        AccountTableLoader otherLoader = other.GetRequiredService<AccountTableLoader>();
        await otherLoader.LoadAsync(None);
        AccountStore store = database.Get<AccountStore>();

        await store.AddAsync("acct", "pw-1", new AccountChange(Pools: ["*"], Limits: new AccountLimits(MaxConcurrent: 3)), None);
        bool sawAdd = await otherLoader.RefreshIfChangedAsync(None);
        AccountEntry? added = other.GetRequiredService<AccountDirectory>().Current.Find("acct");
        bool quiet = await otherLoader.RefreshIfChangedAsync(None);
        await store.UpdateAsync("acct", new AccountChange(Enabled: false), None);
        bool sawDisable = await otherLoader.RefreshIfChangedAsync(None);

        Assert.True(sawAdd);
        Assert.Equal(3, added!.Limits.MaxConcurrent);
        Assert.True(AccountPasswordHasher.Verify("pw-1", added.Definition.PasswordHash));
        Assert.False(quiet);
        Assert.True(sawDisable);
        Assert.False(other.GetRequiredService<AccountDirectory>().Current.Find("acct")!.Enabled);
    }

    [StoreFact]
    public async Task Delete_OnOneInstance_ReachesAnotherAtItsNextPoll()
    {
        await using StoreTestDatabase database = await StoreTestDatabase.CreateAsync(Provider);
        AccountStore store = database.Get<AccountStore>();
        await store.AddAsync("gone", "pw-1", new AccountChange(), None);
        IServiceProvider other = database.OpenInstance();
        AccountTableLoader otherLoader = other.GetRequiredService<AccountTableLoader>();
        await otherLoader.LoadAsync(None);

        Assert.True(await store.DeleteAsync("gone", None));

        Assert.True(await otherLoader.RefreshIfChangedAsync(None));
        Assert.Null(other.GetRequiredService<AccountDirectory>().Current.Find("gone"));
    }

    [StoreFact]
    public async Task FlushAsync_TwoInstances_CountsAddUp_AndNewInstanceSeedsTotals()
    {
        await using StoreTestDatabase database = await StoreTestDatabase.CreateAsync(Provider);
        IServiceProvider second = database.OpenInstance();
        UsageLedger firstLedger = database.Get<UsageLedger>();
        UsageLedger secondLedger = second.GetRequiredService<UsageLedger>();
        firstLedger.Record(firstLedger.TotalsFor("acct"), "pool", null, 100, 1000);
        firstLedger.Record(firstLedger.TotalsFor("acct"), "pool", "upstream-failed", 0, 0);
        secondLedger.Record(secondLedger.TotalsFor("acct"), "pool", null, 10, 20);

        await database.Get<UsageStore>().FlushAsync(None);
        await second.GetRequiredService<UsageStore>().FlushAsync(None);
        await database.Get<UsageStore>().FlushAsync(None); // nothing new: adds nothing

        IReadOnlyList<KeyValuePair<UsageKey, UsageCounts>> rows = await database.Get<UsageStore>().QueryAsync("acct", firstLedger.Today, firstLedger.Today, None);
        IServiceProvider third = database.OpenInstance();
        await third.GetRequiredService<UsageStore>().SeedTotalsAsync(None);
        AccountUsageTotals seeded = third.GetRequiredService<UsageLedger>().TotalsFor("acct");

        Assert.Equal(new UsageCounts(2, 110, 1020), rows.Single(r => r.Key.Outcome == string.Empty).Value);
        Assert.Equal(new UsageCounts(1, 0, 0), rows.Single(r => r.Key.Outcome == "upstream-failed").Value);
        Assert.Equal(1130, seeded.DayBytes(firstLedger.Today));
        Assert.Equal(1130, seeded.MonthBytes(firstLedger.Today));
    }

    [StoreFact]
    public async Task SyncAsync_ConfigUsers_StoredHashedAndApiSettingsKept()
    {
        await using StoreTestDatabase database = await StoreTestDatabase.CreateAsync(Provider);
        AccountConfigSync sync = database.Get<AccountConfigSync>();
        AccountStore store = database.Get<AccountStore>();
        UserOptions user = new() { Name = "cfg", Password = "cfg-pass", Pools = ["*"] };

        (int added, _, _) = await sync.SyncAsync([user], deleteMissing: true, None);
        await store.UpdateAsync("cfg", new AccountChange(Limits: new AccountLimits(RequestsPerSecond: 5)), None);
        user.Password = "cfg-pass-2";
        (_, int updated, _) = await sync.SyncAsync([user], deleteMissing: true, None);
        (_, _, int deleted) = await sync.SyncAsync([], deleteMissing: true, None);

        Assert.Equal(1, added);
        Assert.Equal(1, updated);
        Assert.Equal(1, deleted);
        await using ProxyRotatorDbContext db = await database.OpenContextAsync();
        Assert.Empty(await db.Accounts.ToListAsync());
    }

    [StoreFact]
    public async Task SyncAsync_PasswordChangedInFile_NewHashLimitsKept()
    {
        await using StoreTestDatabase database = await StoreTestDatabase.CreateAsync(Provider);
        AccountConfigSync sync = database.Get<AccountConfigSync>();
        UserOptions user = new() { Name = "cfg", Password = "cfg-pass", Pools = ["*"] };
        await sync.SyncAsync([user], deleteMissing: false, None);
        await database.Get<AccountStore>().UpdateAsync("cfg", new AccountChange(Limits: new AccountLimits(RequestsPerSecond: 5)), None);

        user.Password = "cfg-pass-2";
        await sync.SyncAsync([user], deleteMissing: false, None);

        AccountDefinition stored = (await database.Get<AccountStore>().GetAsync("cfg", None))!;
        Assert.True(AccountPasswordHasher.Verify("cfg-pass-2", stored.PasswordHash));
        Assert.DoesNotContain("cfg-pass", stored.PasswordHash!, StringComparison.Ordinal);
        Assert.Equal(5, stored.Limits.RequestsPerSecond);
        Assert.True(stored.FromConfig);
    }
}
