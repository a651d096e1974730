using ProxyRotator.Health.Scoring;

namespace ProxyRotator.UnitTests.Health.Scoring;

public class UpstreamScorerTests
{
    private static readonly DateTimeOffset _t0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static UpstreamScorer CreateSut() => new(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1));

    [Fact]
    public void Score_NoObservations_Unknown()
    {
        Assert.Equal(UpstreamScorer.UnknownScore, CreateSut().Score(ScoreState.Empty));
    }

    [Fact]
    public void Score_FastSuccesses_NearOne()
    {
        UpstreamScorer sut = CreateSut();
        ScoreState s = ScoreState.Empty;
        for (int i = 0; i < 10; i++)
        {
            s = sut.AddSuccess(s, TimeSpan.FromMilliseconds(10), _t0.AddSeconds(i));
        }

        Assert.InRange(sut.Score(s), 0.99, 1.0);
        Assert.Equal(1.0, s.SuccessRate!.Value, 6);
        Assert.Equal(10, s.LatencyMs!.Value, 6);
    }

    [Fact]
    public void Score_SlowButReliable_BetterThanFastButFailingHalf()
    {
        UpstreamScorer sut = CreateSut();
        ScoreState slow = ScoreState.Empty, flaky = ScoreState.Empty;
        for (int i = 0; i < 10; i++)
        {
            slow = sut.AddSuccess(slow, TimeSpan.FromSeconds(3), _t0.AddSeconds(i));
            flaky = i % 2 == 0 ? sut.AddSuccess(flaky, TimeSpan.FromMilliseconds(20), _t0.AddSeconds(i)) : sut.AddFailure(flaky, _t0.AddSeconds(i));
        }

        Assert.InRange(sut.Score(slow), 1 - UpstreamScorer.LatencyShare, 0.8);
        Assert.InRange(sut.Score(flaky), 0.45, 0.55);
    }

    [Fact]
    public void Score_HigherLatency_LowerScore()
    {
        UpstreamScorer sut = CreateSut();
        double fast = sut.Score(sut.AddSuccess(ScoreState.Empty, TimeSpan.FromMilliseconds(100), _t0));
        double slow = sut.Score(sut.AddSuccess(ScoreState.Empty, TimeSpan.FromMilliseconds(900), _t0));

        Assert.True(fast > slow);
    }

    [Fact]
    public void AddFailure_AfterSuccesses_LowersScoreAndAllFailuresReachZero()
    {
        UpstreamScorer sut = CreateSut();
        ScoreState s = sut.AddSuccess(ScoreState.Empty, TimeSpan.FromMilliseconds(50), _t0);
        double before = sut.Score(s);
        s = sut.AddFailure(s, _t0);
        Assert.True(sut.Score(s) < before);

        ScoreState dead = ScoreState.Empty;
        for (int i = 0; i < 5; i++)
        {
            dead = sut.AddFailure(dead, _t0);
        }

        Assert.Equal(0, sut.Score(dead));
    }

    [Fact]
    public void Decay_OneHalfLife_HalvesWeights()
    {
        UpstreamScorer sut = CreateSut();
        ScoreState s = sut.AddSuccess(ScoreState.Empty, TimeSpan.FromMilliseconds(100), _t0);

        ScoreState decayed = sut.Decay(s, _t0.AddMinutes(10));

        Assert.Equal(0.5, decayed.OutcomeWeight, 9);
        Assert.Equal(0.5, decayed.SuccessSum, 9);
        Assert.Equal(100, decayed.LatencyMs!.Value, 6);
    }

    [Fact]
    public void AddSuccess_LongAfterAnOutage_OutageFadesOut()
    {
        UpstreamScorer sut = CreateSut();
        ScoreState s = ScoreState.Empty;
        for (int i = 0; i < 20; i++)
        {
            s = sut.AddFailure(s, _t0.AddSeconds(i));
        }

        // Two hours = 12 half-lives later, a single success dominates the faded outage.
        s = sut.AddSuccess(s, TimeSpan.FromMilliseconds(10), _t0.AddHours(2));

        Assert.True(sut.Score(s) > 0.95, $"score {sut.Score(s)}");
    }

    [Fact]
    public void Decay_ReportOlderThanState_DoesNotGoBackInTime()
    {
        UpstreamScorer sut = CreateSut();
        ScoreState s = sut.AddSuccess(ScoreState.Empty, TimeSpan.FromMilliseconds(10), _t0.AddMinutes(5));

        ScoreState late = sut.AddFailure(s, _t0);

        Assert.Equal(_t0.AddMinutes(5), late.UpdatedAt);
        Assert.Equal(2, late.OutcomeWeight, 9);
    }

    [Fact]
    public void Seed_PersistedFigures_ReproducesRateAndLatency()
    {
        ScoreState s = UpstreamScorer.Seed(0.75, 200, _t0);

        Assert.Equal(0.75, s.SuccessRate!.Value, 9);
        Assert.Equal(200, s.LatencyMs!.Value, 9);
        Assert.Equal(ScoreState.Empty, UpstreamScorer.Seed(null, 200, _t0));
    }
}
