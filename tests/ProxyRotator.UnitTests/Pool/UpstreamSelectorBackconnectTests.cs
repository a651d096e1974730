using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;

namespace ProxyRotator.UnitTests.Pool;

/// <summary>Backconnect upstreams in the pick: country coverage, cost tiers, demotion, per-country weakness (issue 12).</summary>
public sealed class UpstreamSelectorBackconnectTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    private static UpstreamSelector CreateSut(int seed = 7) => new(new Random(seed));

    private static UpstreamProxy Backconnect(long id, CountryCoverage? countries = null, decimal? perGb = null, double score = 0.5) =>
        TestUpstreams.Create(id, score: score) is var upstream
            ? new UpstreamProxy
            {
                Id = upstream.Id,
                PoolName = upstream.PoolName,
                Endpoint = upstream.Endpoint,
                Type = upstream.Type,
                Status = upstream.Status,
                Score = score,
                Backconnect = new BackconnectUpstream { DialectName = "oxylabs", Dialect = new OxylabsDialect(), Countries = countries ?? CountryCoverage.All },
                Cost = perGb is null ? null : new UpstreamCost(perGb, null),
            }
            : throw new InvalidOperationException();

    private static UpstreamProxy Static(long id, string country, decimal? perGb = null, double score = 0.5, bool rotating = false)
    {
        UpstreamProxy upstream = TestUpstreams.Create(id, declaredCountry: country, score: score);
        return new UpstreamProxy
        {
            Id = upstream.Id,
            PoolName = upstream.PoolName,
            Endpoint = upstream.Endpoint,
            Type = upstream.Type,
            Status = upstream.Status,
            DeclaredCountry = country,
            Score = score,
            Cost = perGb is null ? null : new UpstreamCost(perGb, null),
            IsRotatingExit = rotating,
        };
    }

    private static UpstreamQuery Query(string? country = null, string? state = null, string? session = null) =>
        UpstreamQuery.From(new TargetingParameters { Account = "a", Country = country, State = state, SessionId = session }, PoolAccess.All);

    private static Dictionary<long, int> Picks(PoolSnapshot snapshot, UpstreamQuery query, int count, ReadOnlySpan<long> excluded = default)
    {
        UpstreamSelector sut = CreateSut();
        var picks = new Dictionary<long, int>();
        for (int i = 0; i < count; i++)
        {
            long id = sut.Pick(snapshot, query, excluded)?.Id ?? 0;
            picks[id] = picks.GetValueOrDefault(id) + 1;
        }

        return picks;
    }

    [Fact]
    public void Pick_CountryInTheDeclaredList_MatchesTheBackconnectUpstream_OtherCountriesDoNot()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot(Backconnect(1, CountryCoverage.Of(["DE", "FR"])), Static(2, "US"));

        Assert.Equal(1, CreateSut().Pick(snapshot, Query("DE"), [])!.Id);
        Assert.Equal(1, CreateSut().Pick(snapshot, Query("FR"), [])!.Id);
        Assert.Equal(2, CreateSut().Pick(snapshot, Query("US"), [])!.Id);
        Assert.Null(CreateSut().Pick(snapshot, Query("JP"), []));
    }

    [Fact]
    public void Pick_WildcardCoverage_MatchesEveryCountry()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot(Backconnect(1), Static(2, "US"));

        Assert.Equal(1, CreateSut().Pick(snapshot, Query("JP"), [])!.Id);
    }

    [Fact]
    public void Pick_StateOrAsn_OnlyBackconnectUpstreamsMatch()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot(Static(1, "US", perGb: 0.1m), Backconnect(2, perGb: 5m));

        Assert.All(Picks(snapshot, Query("US", state: "ny"), 50).Keys, id => Assert.Equal(2, id));
    }

    [Fact]
    public void Pick_CostTiers_CheapestMatchingTierTakesEveryPick()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot(Backconnect(1, perGb: 8m), Backconnect(2, perGb: 4m), Backconnect(3, perGb: 4m), Static(4, "US", perGb: 0.5m));

        Dictionary<long, int> de = Picks(snapshot, Query("DE"), 200);
        Dictionary<long, int> us = Picks(snapshot, Query("US"), 50);

        Assert.Equal([2, 3], de.Keys.Order());
        Assert.True(de[2] > 60 && de[3] > 60, "equal-cost upstreams share their tier");
        Assert.Equal([4], us.Keys);
    }

    [Fact]
    public void Pick_CheapestTierTried_FallsOverToTheNextTier()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot(Backconnect(1, perGb: 8m), Backconnect(2, perGb: 4m));

        Assert.Equal(1, CreateSut().Pick(snapshot, Query("DE"), [2])!.Id);
    }

    [Fact]
    public void Pick_CheapUpstreamThatKeepsFailing_LosesItsPlaceToTheNextTier()
    {
        UpstreamProxy cheap = Backconnect(1, perGb: 1m);
        PoolSnapshot snapshot = TestUpstreams.Snapshot(cheap, Backconnect(2, perGb: 6m));
        cheap.Runtime.SetScore(UpstreamSelector.DemotedBelowScore - 0.1);

        Assert.Equal([2], Picks(snapshot, Query("DE"), 50).Keys);
        Assert.Equal(1, CreateSut().Pick(snapshot, Query("DE"), [2])!.Id); // still used when nothing else is left
    }

    [Fact]
    public void Pick_ProviderWeakInOneCountry_AvoidedThereOnly()
    {
        UpstreamProxy weak = Backconnect(1, perGb: 1m);
        PoolSnapshot snapshot = TestUpstreams.Snapshot(weak, Backconnect(2, perGb: 6m));
        for (int i = 0; i < CountryCoverageHealth.WeakAfterFailures; i++)
        {
            weak.Backconnect!.Health.Record("BR", success: false, "no exit nodes in BR", Now);
        }

        Assert.Equal([2], Picks(snapshot, Query("BR"), 30).Keys);
        Assert.Equal([1], Picks(snapshot, Query("DE"), 30).Keys);

        weak.Backconnect!.Health.Record("BR", success: true, null, Now);
        Assert.Equal([1], Picks(snapshot, Query("BR"), 30).Keys);
    }

    [Fact]
    public void Pick_StickyRequest_SkipsStaticUpstreamsWhoseExitRotates_RotatingRequestsStillUseThem()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot(Static(1, "US", rotating: true), Static(2, "US"));

        Assert.Equal([2], Picks(snapshot, Query("US", session: "s1"), 30).Keys);
        Assert.Equal([1, 2], Picks(snapshot, Query("US"), 60).Keys.Order());
    }

    [Fact]
    public void Pick_GeoVerifiedOnly_NeverABackconnectUpstream()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot(Backconnect(1));
        UpstreamQuery query = Query("DE") with { GeoVerifiedOnly = true };

        Assert.Null(CreateSut().Pick(snapshot, query, []));
    }
}
