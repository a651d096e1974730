using Microsoft.Extensions.Time.Testing;
using ProxyRotator.Core.Accounts;

namespace ProxyRotator.UnitTests.Accounts;

public sealed class UsageLedgerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 23, 59, 0, TimeSpan.Zero));

    [Fact]
    public void Record_CountsRequestsAndBytesPerAccountPoolDayAndOutcome()
    {
        var ledger = new UsageLedger(_time);
        AccountUsageTotals totals = ledger.TotalsFor("a");

        ledger.Record(totals, "p", null, 10, 100);
        ledger.Record(totals, "p", null, 5, 50);
        ledger.Record(totals, "p", "upstream-failed", 0, 0);

        var pending = ledger.Pending().ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(new UsageCounts(2, 15, 150), pending[new UsageKey("a", "p", new DateOnly(2026, 12, 7), "")]);
        Assert.Equal(new UsageCounts(1, 0, 0), pending[new UsageKey("a", "p", new DateOnly(2026, 12, 7), "upstream-failed")]);
        Assert.Equal(165, totals.DayBytes(ledger.Today));
    }

    [Fact]
    public void Record_AlreadyMeteredBytes_AddedToTotalsOnlyOnce()
    {
        var ledger = new UsageLedger(_time);
        AccountUsageTotals totals = ledger.TotalsFor("a");
        totals.Add(700, ledger.Today); // metered live by a tunnel's relay

        ledger.Record(totals, "p", null, 200, 800, alreadyMetered: 700);

        Assert.Equal(1000, totals.DayBytes(ledger.Today));
        Assert.Equal(new UsageCounts(1, 200, 800), Assert.Single(ledger.Pending()).Value);
    }

    [Fact]
    public void Drain_TakesCountsOnce_RestorePutsThemBack()
    {
        var ledger = new UsageLedger(_time);
        ledger.Record(ledger.TotalsFor("a"), "p", null, 1, 2);

        var taken = ledger.Drain();
        var again = ledger.Drain();
        ledger.Restore(taken);

        Assert.Equal(new UsageCounts(1, 1, 2), Assert.Single(taken).Value);
        Assert.Empty(again);
        Assert.Equal(new UsageCounts(1, 1, 2), Assert.Single(ledger.Drain()).Value);
    }

    [Fact]
    public void Totals_NewDay_DayResetsMonthKeeps()
    {
        var ledger = new UsageLedger(_time);
        AccountUsageTotals totals = ledger.TotalsFor("a");
        ledger.Record(totals, "p", null, 0, 1000);

        _time.Advance(TimeSpan.FromMinutes(2)); // 2026-12-08
        ledger.Record(totals, "p", null, 0, 10);

        Assert.Equal(10, totals.DayBytes(ledger.Today));
        Assert.Equal(1010, totals.MonthBytes(ledger.Today));
    }

    [Fact]
    public void IsExhausted_DayOrMonthQuotaReached_True()
    {
        var ledger = new UsageLedger(_time);
        ledger.Seed("a", dayBytes: 100, monthBytes: 5000);
        AccountUsageTotals totals = ledger.TotalsFor("a");

        Assert.True(totals.IsExhausted(new AccountLimits(BytesPerDay: 100), ledger.Today));
        Assert.True(totals.IsExhausted(new AccountLimits(BytesPerMonth: 5000), ledger.Today));
        Assert.False(totals.IsExhausted(new AccountLimits(BytesPerDay: 101, BytesPerMonth: 5001), ledger.Today));
        Assert.False(totals.IsExhausted(AccountLimits.None, ledger.Today));
    }
}
