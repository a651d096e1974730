using Microsoft.Extensions.Time.Testing;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Gateway.Policy;

namespace ProxyRotator.UnitTests.Policy;

public sealed class ExclusiveExitLedgerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));

    private ExclusiveExitLedger CreateSut(bool exclusivePool = false, int maxEntries = 1000)
    {
        var config = new ProxyRotatorConfig { Pools = [new PoolOptions { Name = "main", ExclusiveExits = exclusivePool }] };
        config.Policy.Exclusive.Window = TimeSpan.FromMinutes(30);
        config.Policy.Exclusive.MaxEntries = maxEntries;
        return new ExclusiveExitLedger(config, _time);
    }

    private static UpstreamProxy Exit(long id) => new()
    {
        Id = id,
        PoolName = "main",
        Endpoint = new UpstreamEndpoint(UpstreamScheme.Http, "127.0.1.1", 8000 + (int)id, null, null),
        Type = UpstreamType.Residential,
        Status = UpstreamStatus.Active,
        ExitIp = "198.51.100." + id,
    };

    [Fact]
    public void IsReservedAgainst_ExclusiveClaim_KeepsOtherAccountsOffTheExitForThatSiteOnly()
    {
        ExclusiveExitLedger ledger = CreateSut();
        DateTimeOffset now = _time.GetUtcNow();
        ledger.Record("shop.com", Exit(1), "alice", exclusive: true, now);

        Assert.True(ledger.IsReservedAgainst("shop.com", Exit(1), "bob", exclusive: false, now));
        Assert.False(ledger.IsReservedAgainst("shop.com", Exit(1), "alice", exclusive: true, now));
        Assert.False(ledger.IsReservedAgainst("other.com", Exit(1), "bob", exclusive: false, now));
        Assert.False(ledger.IsReservedAgainst("shop.com", Exit(2), "bob", exclusive: false, now));
    }

    [Fact]
    public void IsReservedAgainst_OtherAccountUsedTheExitFirst_ExclusiveRequestAvoidsItOthersDoNot()
    {
        ExclusiveExitLedger ledger = CreateSut();
        DateTimeOffset now = _time.GetUtcNow();
        ledger.Record("shop.com", Exit(1), "bob", exclusive: false, now);

        Assert.True(ledger.IsReservedAgainst("shop.com", Exit(1), "alice", exclusive: true, now));
        Assert.False(ledger.IsReservedAgainst("shop.com", Exit(1), "carol", exclusive: false, now));
    }

    [Fact]
    public void IsReservedAgainst_AfterTheWindow_ExitIsFreeAgain()
    {
        ExclusiveExitLedger ledger = CreateSut();
        ledger.Record("shop.com", Exit(1), "alice", exclusive: true, _time.GetUtcNow());

        _time.Advance(TimeSpan.FromMinutes(30));

        Assert.False(ledger.IsReservedAgainst("shop.com", Exit(1), "bob", exclusive: false, _time.GetUtcNow()));
    }

    [Fact]
    public void IsArmed_ExclusiveRequestSeen_RecordsForTheWindowOnly()
    {
        ExclusiveExitLedger ledger = CreateSut();
        Assert.False(ledger.IsArmed(_time.GetUtcNow()));

        ledger.Arm(_time.GetUtcNow());
        Assert.True(ledger.IsArmed(_time.GetUtcNow()));
        _time.Advance(TimeSpan.FromMinutes(31));

        Assert.False(ledger.IsArmed(_time.GetUtcNow()));
    }

    [Fact]
    public void IsExclusive_PoolWithExclusiveExits_AppliesUnlessTheRequestTurnsItOff()
    {
        ExclusiveExitLedger ledger = CreateSut(exclusivePool: true);

        Assert.True(ledger.IsArmed(_time.GetUtcNow()));
        Assert.True(ledger.IsExclusive(Exit(1), requested: null));
        Assert.False(ledger.IsExclusive(Exit(1), requested: false));
    }

    [Fact]
    public void Record_OverTheCap_TrimsToTheCap()
    {
        ExclusiveExitLedger ledger = CreateSut(maxEntries: 10);
        for (int i = 1; i <= 25; i++)
        {
            ledger.Record("site" + i + ".com", Exit(i), "alice", exclusive: true, _time.GetUtcNow());
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.True(ledger.Count <= 10, $"count {ledger.Count}");
        Assert.True(ledger.IsReservedAgainst("site25.com", Exit(25), "bob", exclusive: false, _time.GetUtcNow()));
    }
}
