using ProxyRotator.Health.Scoring;

namespace ProxyRotator.UnitTests.Health.Scoring;

public class UpstreamHealthEntryTests
{
    private static readonly DateTimeOffset _t0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static UpstreamScorer CreateScorer() => new(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1));

    [Fact]
    public void IsSeeded_NewEntry_False()
    {
        Assert.False(new UpstreamHealthEntry().IsSeeded);
    }

    [Fact]
    public void IsSeeded_AfterSeedOnceWithNothingStored_True()
    {
        var entry = new UpstreamHealthEntry();

        entry.SeedOnce(ScoreState.Empty, CreateScorer(), _t0);

        Assert.True(entry.IsSeeded);
    }

    [Fact]
    public void IsSeeded_AfterProbeOnly_StillFalse()
    {
        // A probe before the first seeding must not make the writer skip reading the stored history.
        var entry = new UpstreamHealthEntry();

        entry.RecordProbe(CreateScorer(), success: true, TimeSpan.FromMilliseconds(10), _t0);

        Assert.False(entry.IsSeeded);
    }

    [Fact]
    public void SeedOnce_SecondCall_Ignored()
    {
        UpstreamScorer scorer = CreateScorer();
        var entry = new UpstreamHealthEntry();
        entry.SeedOnce(UpstreamScorer.Seed(1.0, 10, _t0), scorer, _t0);

        entry.SeedOnce(UpstreamScorer.Seed(0.0, 10, _t0), scorer, _t0);

        Assert.Equal(1.0, entry.Figures(scorer).SuccessRate!.Value, 9);
    }
}
