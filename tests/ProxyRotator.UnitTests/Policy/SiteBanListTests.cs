using Microsoft.Extensions.Time.Testing;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Gateway.Policy;

namespace ProxyRotator.UnitTests.Policy;

public sealed class SiteBanListTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));

    private SiteBanList CreateSut(int maxEntries = 100) => new(
        new BanOptions { Cooldown = TimeSpan.FromMinutes(10), MaxCooldown = TimeSpan.FromMinutes(60), ForgiveAfter = TimeSpan.FromHours(1), MaxEntries = maxEntries },
        _time);

    private static UpstreamProxy Exit(long id, string? ip) => new()
    {
        Id = id,
        PoolName = "main",
        Endpoint = new UpstreamEndpoint(UpstreamScheme.Http, "127.0.1.1", 8000 + (int)id, null, null),
        Type = UpstreamType.Residential,
        Status = UpstreamStatus.Active,
        ExitIp = ip,
    };

    [Fact]
    public void Report_FirstBan_BansTheExitForTheSiteOnlyForTheCooldown()
    {
        SiteBanList bans = CreateSut();
        UpstreamProxy exit = Exit(1, "198.51.100.1");

        SiteBan ban = bans.Report("example.com", ExitKey.Of(exit), BanSource.Detected, "test");

        Assert.Equal(TimeSpan.FromMinutes(10), ban.Until - ban.BannedAt);
        Assert.True(bans.For("example.com")!.IsBanned(exit, _time.GetUtcNow()));
        Assert.Null(bans.For("other.org"));
        Assert.False(bans.For("example.com")!.IsBanned(Exit(2, "198.51.100.2"), _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.False(bans.For("example.com")!.IsBanned(exit, _time.GetUtcNow()));
    }

    [Fact]
    public void Report_RepeatedBans_CooldownDoublesUpToTheCap()
    {
        SiteBanList bans = CreateSut();
        ExitKey exit = ExitKey.Of(Exit(1, "198.51.100.1"));
        var cooldowns = new List<TimeSpan>();
        for (int i = 0; i < 5; i++)
        {
            SiteBan ban = bans.Report("example.com", exit, BanSource.Detected, null);
            cooldowns.Add(ban.Until - ban.BannedAt);
            _time.Advance(ban.Until - ban.BannedAt);
        }

        Assert.Equal([TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(40), TimeSpan.FromMinutes(60), TimeSpan.FromMinutes(60)], cooldowns);
    }

    [Fact]
    public void Report_AfterQuietPeriods_StrikesDecayOnePerForgiveAfter()
    {
        SiteBanList bans = CreateSut();
        ExitKey exit = ExitKey.Of(Exit(1, "198.51.100.1"));
        bans.Report("example.com", exit, BanSource.Detected, null);
        _time.Advance(TimeSpan.FromMinutes(10));
        SiteBan second = bans.Report("example.com", exit, BanSource.Detected, null);
        _time.Advance(second.Until - second.BannedAt);
        Assert.Equal(2, second.Strikes);

        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, second.StrikesAt(_time.GetUtcNow(), TimeSpan.FromHours(1)));
        SiteBan next = bans.Report("example.com", exit, BanSource.Detected, null);

        Assert.Equal(2, next.Strikes);
        Assert.Equal(TimeSpan.FromMinutes(20), next.Until - next.BannedAt);
    }

    [Fact]
    public void Prune_AllStrikesForgiven_ForgetsTheBanAndTheSite()
    {
        SiteBanList bans = CreateSut();
        bans.Report("example.com", ExitKey.Of(Exit(1, "198.51.100.1")), BanSource.Detected, null);
        Assert.False(bans.IsEmpty);

        _time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromHours(1));
        int removed = bans.Prune(_time.GetUtcNow());

        Assert.Equal(1, removed);
        Assert.True(bans.IsEmpty);
        Assert.Null(bans.For("example.com"));
    }

    [Fact]
    public void Report_ClientRepeatsReportDuringCooldown_DoesNotLengthenIt()
    {
        SiteBanList bans = CreateSut();
        ExitKey exit = ExitKey.Of(Exit(1, "198.51.100.1"));
        SiteBan first = bans.Report("example.com", exit, BanSource.Username, null);
        _time.Advance(TimeSpan.FromMinutes(1));

        SiteBan again = bans.Report("example.com", exit, BanSource.Username, null);

        Assert.Same(first, again);
        Assert.Equal(1, again.Strikes);
    }

    [Fact]
    public void For_BanByExitIp_MatchesEveryUpstreamLeavingThroughThatAddress()
    {
        SiteBanList bans = CreateSut();
        bans.Report("example.com", ExitKey.OfAddress(System.Net.IPAddress.Parse("198.51.100.1")), BanSource.Api, null);

        Assert.True(bans.For("example.com")!.IsBanned(Exit(7, "198.51.100.1"), _time.GetUtcNow()));
        Assert.True(bans.For("EXAMPLE.com")!.IsBanned(Exit(8, "198.51.100.1"), _time.GetUtcNow()));
        Assert.False(bans.For("example.com")!.IsBanned(Exit(9, null), _time.GetUtcNow()));
    }

    [Fact]
    public void For_BanRecordedBeforeTheExitIpWasKnown_StillMatchesTheUpstream()
    {
        SiteBanList bans = CreateSut();
        bans.Report("example.com", ExitKey.Of(Exit(3, null)), BanSource.Detected, null);

        Assert.True(bans.For("example.com")!.IsBanned(Exit(3, "198.51.100.3"), _time.GetUtcNow()));
    }

    [Fact]
    public void Report_AtTheCap_DropsTheBanEndingSoonest()
    {
        SiteBanList bans = CreateSut(maxEntries: 2);
        bans.Report("a.com", ExitKey.OfUpstreamId(1), BanSource.Detected, null);
        _time.Advance(TimeSpan.FromMinutes(1));
        bans.Report("b.com", ExitKey.OfUpstreamId(2), BanSource.Detected, null);
        bans.Report("c.com", ExitKey.OfUpstreamId(3), BanSource.Detected, null);

        Assert.Equal(2, bans.List().Count);
        Assert.Null(bans.For("a.com"));
    }

    [Fact]
    public void Lift_OneSite_EndsItsBans()
    {
        SiteBanList bans = CreateSut();
        bans.Report("example.com", ExitKey.OfUpstreamId(1), BanSource.Detected, null);
        bans.Report("example.com", ExitKey.OfUpstreamId(2), BanSource.Detected, null);

        Assert.Equal(2, bans.Lift("example.com"));
        Assert.True(bans.IsEmpty);
    }
}
