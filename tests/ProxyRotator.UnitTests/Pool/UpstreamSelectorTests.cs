using ProxyRotator.Core.Pool;

namespace ProxyRotator.UnitTests.Pool;

public sealed class UpstreamSelectorTests
{
    private static UpstreamSelector CreateSut(int seed = 42) => new(new Random(seed));

    private static UpstreamQuery Query(
        string? pool = null, UpstreamType? type = null, string? country = null, string? city = null, bool geo = false, PoolAccess? access = null) =>
        new(pool, type, country, city, geo, access ?? PoolAccess.All);

    [Fact]
    public void Pick_200PicksOver20EqualUpstreams_HitsAtLeast90Percent()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot([.. Enumerable.Range(1, 20).Select(i => TestUpstreams.Create(i))]);
        UpstreamSelector sut = CreateSut();
        var seen = new HashSet<long>();

        for (int i = 0; i < 200; i++)
        {
            seen.Add(sut.Pick(snapshot, Query(), [])!.Id);
        }

        Assert.True(seen.Count >= 18, $"only {seen.Count} of 20 upstreams picked");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public void Pick_SequentialOverTwentyEqualUpstreams_MaxMinShareAtMost125(int seed)
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot([.. Enumerable.Range(1, 20).Select(i => TestUpstreams.Create(i))]);
        UpstreamSelector sut = CreateSut(seed);
        var shares = new Dictionary<long, int>();

        for (int i = 0; i < 1000; i++)
        {
            long id = sut.Pick(snapshot, Query(), [])!.Id;
            shares[id] = shares.GetValueOrDefault(id) + 1;
        }

        Assert.Equal(20, shares.Count);
        double ratio = (double)shares.Values.Max() / shares.Values.Min();
        Assert.True(ratio <= 1.25, $"max/min share {ratio:F2} ({shares.Values.Max()}/{shares.Values.Min()})");
    }

    [Fact]
    public void HasAny_AnswersWithoutCountingAPick()
    {
        // Asked on every held-back answer ("could another upstream settle this?"): counting those as picks skewed the
        // even shares, so an upstream could sit out a whole run of requests.
        UpstreamProxy[] upstreams = [.. Enumerable.Range(1, 3).Select(i => TestUpstreams.Create(i))];
        PoolSnapshot snapshot = TestUpstreams.Snapshot(upstreams);
        UpstreamSelector sut = CreateSut();

        Assert.True(sut.HasAny(snapshot, Query(), [1, 2]));
        Assert.False(sut.HasAny(snapshot, Query(), [1, 2, 3]));
        Assert.All(upstreams, u => Assert.Equal(0, u.Runtime.Picks));
    }

    [Fact]
    public void Pick_UpstreamWithRequestsInFlight_LosesToAnIdleOneEvenAfterManyPicks()
    {
        UpstreamProxy[] upstreams = [.. Enumerable.Range(1, 2).Select(i => TestUpstreams.Create(i))];
        PoolSnapshot snapshot = TestUpstreams.Snapshot(upstreams);
        UpstreamSelector sut = CreateSut();
        for (int i = 0; i < 100; i++)
        {
            sut.Pick(snapshot, Query(), []);
        }

        upstreams[0].Runtime.Enter();

        Assert.Equal(2, sut.Pick(snapshot, Query(), [])!.Id);
        Assert.Equal(2, sut.Pick(snapshot, Query(), [])!.Id);
    }

    [Fact]
    public void Pick_UpstreamJoiningLate_CatchesUpWithAFewExtraPicksNotADoubleShare()
    {
        UpstreamProxy[] upstreams = [.. Enumerable.Range(1, 20).Select(i => TestUpstreams.Create(i))];
        UpstreamSelector sut = CreateSut();
        PoolSnapshot early = TestUpstreams.Snapshot(upstreams[..19]);
        for (int i = 0; i < 10_000; i++)
        {
            sut.Pick(early, Query(), []);
        }

        PoolSnapshot all = TestUpstreams.Snapshot(upstreams);
        int late = Enumerable.Range(0, 2000).Count(_ => sut.Pick(all, Query(), [])!.Id == 20);

        // A fair share is 100; repaying its whole deficit (~526 picks) at the two-choice limit would give ~200.
        Assert.InRange(late, 90, 130);
    }

    [Fact]
    public void Pick_ManySeeds_NoUpstreamStarved()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot([.. Enumerable.Range(1, 20).Select(i => TestUpstreams.Create(i))]);
        for (int seed = 0; seed < 20; seed++)
        {
            UpstreamSelector sut = CreateSut(seed);
            var seen = new HashSet<long>();
            for (int i = 0; i < 200; i++)
            {
                seen.Add(sut.Pick(snapshot, Query(), [])!.Id);
            }

            Assert.True(seen.Count >= 18, $"seed {seed}: only {seen.Count} of 20 upstreams picked");
        }
    }

    [Fact]
    public void Pick_CountryFilter_UsesVerifiedCountryWhereKnown()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot(
            TestUpstreams.Create(1, declaredCountry: "DE"),
            TestUpstreams.Create(2, declaredCountry: "US", verifiedCountry: "DE"),
            TestUpstreams.Create(3, declaredCountry: "DE", verifiedCountry: "US"),
            TestUpstreams.Create(4, declaredCountry: "FR"));

        HashSet<long> picked = PickMany(snapshot, Query(country: "DE"));

        Assert.Equal([1, 2], picked.Order());
    }

    [Fact]
    public void Pick_GeoVerifiedWithCountry_OnlyVerifiedMatches()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot(
            TestUpstreams.Create(1, declaredCountry: "DE"),
            TestUpstreams.Create(2, declaredCountry: "US", verifiedCountry: "DE"),
            TestUpstreams.Create(3, verifiedCountry: "US"));

        Assert.Equal([2], PickMany(snapshot, Query(country: "DE", geo: true)).Order());
    }

    [Fact]
    public void Pick_GeoVerifiedWithoutCountry_OnlyUpstreamsWithVerifiedCountry()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot(
            TestUpstreams.Create(1, declaredCountry: "DE"),
            TestUpstreams.Create(2, verifiedCountry: "DE"),
            TestUpstreams.Create(3, declaredCountry: "FR", verifiedCountry: "US"));

        Assert.Equal([2, 3], PickMany(snapshot, Query(geo: true)).Order());
    }

    [Fact]
    public void Pick_TypeCityPoolFilters_Combined()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot(
            TestUpstreams.Create(1, pool: "eu", type: UpstreamType.Mobile, declaredCountry: "DE", city: "berlin"),
            TestUpstreams.Create(2, pool: "eu", type: UpstreamType.Mobile, declaredCountry: "DE", city: "munich"),
            TestUpstreams.Create(3, pool: "eu", type: UpstreamType.Residential, declaredCountry: "DE", city: "berlin"),
            TestUpstreams.Create(4, pool: "us", type: UpstreamType.Mobile, declaredCountry: "DE", city: "berlin"),
            TestUpstreams.Create(5, pool: "EU", type: UpstreamType.Mobile, declaredCountry: "DE", city: "Berlin"));

        Assert.Equal([1, 5], PickMany(snapshot, Query(pool: "eu", type: UpstreamType.Mobile, country: "DE", city: "berlin")).Order());
        Assert.Equal([1, 2, 4, 5], PickMany(snapshot, Query(type: UpstreamType.Mobile)).Order());
        Assert.Equal([4], PickMany(snapshot, Query(pool: "us")).Order());
    }

    [Fact]
    public void Pick_AccessLimitedToPools_NeverOtherPools()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot(
            TestUpstreams.Create(1, pool: "eu"), TestUpstreams.Create(2, pool: "us"), TestUpstreams.Create(3, pool: "dc"));
        PoolAccess access = PoolAccess.Of(["eu", "dc"]);

        Assert.Equal([1, 3], PickMany(snapshot, Query(access: access)).Order());
        Assert.Null(CreateSut().Pick(snapshot, Query(pool: "us", access: access), []));
    }

    [Fact]
    public void Pick_OnlyPendingMatch_FallsBackToPending()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot(
            TestUpstreams.Create(1, declaredCountry: "DE", status: UpstreamStatus.Pending),
            TestUpstreams.Create(2, declaredCountry: "FR", status: UpstreamStatus.Active),
            TestUpstreams.Create(3, declaredCountry: "DE", status: UpstreamStatus.Quarantined),
            TestUpstreams.Create(4, declaredCountry: "DE", status: UpstreamStatus.Retired));

        Assert.Equal([1], PickMany(snapshot, Query(country: "DE")).Order());
    }

    [Fact]
    public void Pick_ActiveAndPendingMatch_OnlyActive()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot(
            TestUpstreams.Create(1, status: UpstreamStatus.Pending),
            TestUpstreams.Create(2, status: UpstreamStatus.Active),
            TestUpstreams.Create(3, status: UpstreamStatus.Active));

        Assert.Equal([2, 3], PickMany(snapshot, Query()).Order());
    }

    [Fact]
    public void Pick_AllActiveExcluded_FallsBackToPending()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot(
            TestUpstreams.Create(1, status: UpstreamStatus.Pending), TestUpstreams.Create(2, status: UpstreamStatus.Active));

        Assert.Equal(1, CreateSut().Pick(snapshot, Query(), [2])!.Id);
    }

    [Fact]
    public void Pick_Exclusions_NeverPickedAndNullWhenAllExcluded()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot([.. Enumerable.Range(1, 5).Select(i => TestUpstreams.Create(i))]);
        UpstreamSelector sut = CreateSut();
        var seen = new HashSet<long>();
        for (int i = 0; i < 500; i++)
        {
            seen.Add(sut.Pick(snapshot, Query(), [1, 2, 3, 4])!.Id);
        }

        Assert.Equal([5], seen);
        Assert.Null(sut.Pick(snapshot, Query(), [1, 2, 3, 4, 5]));
    }

    [Fact]
    public void Pick_SingleCandidateExcluded_Null()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot(TestUpstreams.Create(1));

        Assert.Equal(1, CreateSut().Pick(snapshot, Query(), [])!.Id);
        Assert.Null(CreateSut().Pick(snapshot, Query(), [1]));
    }

    [Fact]
    public void Pick_BetterScore_PreferredStatistically()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot(
            [.. Enumerable.Range(1, 10).Select(i => TestUpstreams.Create(i, score: i == 1 ? 1.0 : 0.2))]);
        UpstreamSelector sut = CreateSut();
        int best = 0;
        const int picks = 10_000;
        for (int i = 0; i < picks; i++)
        {
            best += sut.Pick(snapshot, Query(), [])!.Id == 1 ? 1 : 0;
        }

        // Uniform would be 10 %; the best upstream is in 19 % of the pairs and wins ~93 % of those.
        Assert.InRange(best, picks * 15 / 100, picks * 25 / 100);
    }

    [Fact]
    public void Pick_LessLoaded_PreferredStatistically()
    {
        UpstreamProxy[] upstreams = [.. Enumerable.Range(1, 2).Select(i => TestUpstreams.Create(i))];
        for (int i = 0; i < 5; i++)
        {
            upstreams[1].Runtime.Enter();
        }

        PoolSnapshot snapshot = TestUpstreams.Snapshot(upstreams);
        UpstreamSelector sut = CreateSut();
        int idle = 0;
        for (int i = 0; i < 1000; i++)
        {
            idle += sut.Pick(snapshot, Query(), [])!.Id == 1 ? 1 : 0;
        }

        Assert.True(idle > 900, $"the idle upstream won only {idle} of 1000");
    }

    [Fact]
    public void Pick_ImpossibleQuery_Null()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot(
            TestUpstreams.Create(1, type: UpstreamType.Mobile, declaredCountry: "US"),
            TestUpstreams.Create(2, type: UpstreamType.Datacenter, declaredCountry: "DE"));

        Assert.Null(CreateSut().Pick(snapshot, Query(type: UpstreamType.Mobile, country: "DE"), []));
        Assert.Null(CreateSut().Pick(snapshot, Query(pool: "nope"), []));
        Assert.Null(CreateSut().Pick(PoolSnapshot.Empty, Query(), []));
        Assert.True(snapshot.GetCandidates(Query(type: UpstreamType.Mobile, country: "DE")).IsEmpty);
    }

    [Fact]
    public void Pick_ZeroScore_StillEligible()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot(TestUpstreams.Create(1, score: 0), TestUpstreams.Create(2, score: 0));

        Assert.NotNull(CreateSut().Pick(snapshot, Query(), []));
    }

    [Fact]
    public void Matches_StickyUpstream_ChecksEligibilityAndTargeting()
    {
        UpstreamSelector sut = CreateSut();
        UpstreamProxy de = TestUpstreams.Create(1, pool: "eu", declaredCountry: "DE", city: "berlin");
        UpstreamProxy quarantined = TestUpstreams.Create(2, pool: "eu", declaredCountry: "DE", status: UpstreamStatus.Quarantined);

        Assert.True(sut.Matches(de, Query(country: "DE", city: "berlin", pool: "eu")));
        Assert.False(sut.Matches(de, Query(country: "FR")));
        Assert.False(sut.Matches(de, Query(country: "DE", geo: true)));
        Assert.False(sut.Matches(de, Query(access: PoolAccess.Of(["us"]))));
        Assert.False(sut.Matches(quarantined, Query(country: "DE")));
        Assert.True(sut.Matches(de, default));
    }

    [Fact]
    public void GetCandidates_SameQuery_CachedPerSnapshot()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot(TestUpstreams.Create(1, declaredCountry: "DE"), TestUpstreams.Create(2));

        UpstreamCandidates first = snapshot.GetCandidates(Query(country: "DE"));

        Assert.Same(first, snapshot.GetCandidates(Query(country: "DE", access: PoolAccess.Of(["*"]))));
        Assert.Equal(1, first.ActiveCount);
    }

    [Fact]
    public void GetCandidates_ManyDistinctQueries_StillCorrectAfterCacheRestarts()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot(TestUpstreams.Create(1, declaredCountry: "DE"));
        for (int i = 0; i < PoolSnapshot.MaxCachedQueries + 10; i++)
        {
            Assert.True(snapshot.GetCandidates(Query(pool: "p" + i)).IsEmpty);
        }

        Assert.Equal(1, snapshot.GetCandidates(Query(country: "DE")).ActiveCount);
    }

    [Fact]
    public void Pick_100kUpstreams_FiltersByIndex()
    {
        string[] countries = ["DE", "US", "FR", "GB", "NL"];
        UpstreamProxy[] upstreams = [.. Enumerable.Range(1, 100_000).Select(i => TestUpstreams.Create(
            i, type: (UpstreamType)(i % 4), declaredCountry: countries[i % countries.Length]))];
        PoolSnapshot snapshot = TestUpstreams.Snapshot(upstreams);
        UpstreamSelector sut = CreateSut();

        for (int i = 0; i < 1000; i++)
        {
            UpstreamProxy picked = sut.Pick(snapshot, Query(type: UpstreamType.Mobile, country: "FR"), [])!;
            Assert.Equal(UpstreamType.Mobile, picked.Type);
            Assert.Equal("FR", picked.EffectiveCountry);
        }

        Assert.Equal(5000, snapshot.GetCandidates(Query(type: UpstreamType.Mobile, country: "FR")).Count);
    }

    [Fact]
    public void Pick_UpstreamQuarantinedInRuntimeState_NeverPickedWithoutARebuild()
    {
        UpstreamProxy[] upstreams = [.. Enumerable.Range(1, 5).Select(i => TestUpstreams.Create(i))];
        PoolSnapshot snapshot = TestUpstreams.Snapshot(upstreams);
        Assert.Contains(3, PickMany(snapshot, Query()));

        upstreams[2].Runtime.ChangeStatus(UpstreamStatus.Quarantined);

        Assert.DoesNotContain(3, PickMany(snapshot, Query()));
        Assert.False(CreateSut().Matches(upstreams[2], Query()));
        Assert.Equal(1, snapshot.Version);
    }

    [Fact]
    public void Pick_QuarantinedUpstreamRevivedInRuntimeState_PickedAgainWithoutARebuild()
    {
        UpstreamProxy[] upstreams = [.. Enumerable.Range(1, 5).Select(i => TestUpstreams.Create(i, status: i == 3 ? UpstreamStatus.Quarantined : UpstreamStatus.Active))];
        PoolSnapshot snapshot = TestUpstreams.Snapshot(upstreams);
        Assert.DoesNotContain(3, PickMany(snapshot, Query()));

        upstreams[2].Runtime.ChangeStatus(UpstreamStatus.Active);

        Assert.Contains(3, PickMany(snapshot, Query()));
        Assert.Equal(4 + 1, snapshot.GetCandidates(Query()).ActiveCount);
    }

    [Fact]
    public void Pick_OnlyPendingLeftThenOneTurnsActive_PrefersTheActiveOneAtOnce()
    {
        UpstreamProxy[] upstreams = [.. Enumerable.Range(1, 20).Select(i => TestUpstreams.Create(i, status: UpstreamStatus.Pending))];
        PoolSnapshot snapshot = TestUpstreams.Snapshot(upstreams);
        UpstreamSelector sut = CreateSut();
        Assert.NotNull(sut.Pick(snapshot, Query(), []));

        upstreams[7].Runtime.ChangeStatus(UpstreamStatus.Active);

        Assert.All(Enumerable.Range(0, 50), _ => Assert.Equal(8, sut.Pick(snapshot, Query(), [])!.Id));
    }

    [Fact]
    public void Pick_LiveScorePublished_OverridesTheSnapshotScore()
    {
        UpstreamProxy good = TestUpstreams.Create(1, score: 0.9);
        UpstreamProxy poor = TestUpstreams.Create(2, score: 0.9);
        PoolSnapshot snapshot = TestUpstreams.Snapshot(good, poor);
        poor.Runtime.SetScore(0);
        UpstreamSelector sut = CreateSut();

        int poorPicks = Enumerable.Range(0, 1000).Count(_ => sut.Pick(snapshot, Query(), [])!.Id == 2);

        Assert.True(poorPicks < 50, $"the upstream scored 0 in memory was picked {poorPicks} of 1000 times");
    }

    private static HashSet<long> PickMany(PoolSnapshot snapshot, UpstreamQuery query)
    {
        UpstreamSelector sut = CreateSut();
        var seen = new HashSet<long>();
        for (int i = 0; i < 300; i++)
        {
            UpstreamProxy? picked = sut.Pick(snapshot, query, []);
            Assert.NotNull(picked);
            Assert.True(sut.Matches(picked, query));
            seen.Add(picked.Id);
        }

        return seen;
    }
}
