using Microsoft.Extensions.Time.Testing;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Health.LiveOutcomes;
using ProxyRotator.Health.Scoring;

namespace ProxyRotator.UnitTests.Health.LiveOutcomes;

public class LiveOutcomeRecorderTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly UpstreamHealthBook _book = new();
    private readonly UpstreamScorer _scorer = new(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1));

    private LiveOutcomeRecorder CreateSut(int quarantineAfter = 5) =>
        new(_book, _scorer, new HealthCheckOptions { QuarantineAfterLiveFailures = quarantineAfter }, _time);

    private static UpstreamOutcome Outcome(UpstreamOutcomeKind kind, long id = 1) => new(id, kind, TimeSpan.FromMilliseconds(50), 100, 1000);

    private double Score(long id = 1) => _book.Get(id).Figures(_scorer).Score;

    private void Warm(LiveOutcomeRecorder sut, int successes = 10)
    {
        for (int i = 0; i < successes; i++)
        {
            sut.Report(Outcome(UpstreamOutcomeKind.Success));
            _time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public void Report_TargetNotFoundIsSuccess_ScoreDoesNotDrop()
    {
        LiveOutcomeRecorder sut = CreateSut();
        Warm(sut);
        double before = Score();

        // A target's 404 reaches the gateway as a forwarded response: the gateway reports Success.
        for (int i = 0; i < 20; i++)
        {
            sut.Report(Outcome(UpstreamOutcomeKind.Success));
        }

        Assert.True(Score() >= before - 1e-9, $"{Score()} < {before}");
        Assert.Equal(0, _book.Get(1).ConsecutiveLiveFaults);
    }

    [Theory]
    [InlineData(UpstreamOutcomeKind.ClientAborted)]
    [InlineData(UpstreamOutcomeKind.TargetError)]
    public void Report_NeutralOutcomes_ScoreUnchangedButCountedAsUse(UpstreamOutcomeKind kind)
    {
        LiveOutcomeRecorder sut = CreateSut();
        Warm(sut);
        double before = Score();
        _book.Get(1).TakeLiveTally();

        for (int i = 0; i < 20; i++)
        {
            sut.Report(Outcome(kind));
        }

        Assert.Equal(before, Score(), 9);
        LiveTally tally = _book.Get(1).TakeLiveTally();
        Assert.Equal(20, tally.Requests);
        Assert.Equal(0, tally.Failures);
        Assert.False(tally.QuarantineRequested);
    }

    [Theory]
    [InlineData(UpstreamOutcomeKind.UpstreamConnectFailed)]
    [InlineData(UpstreamOutcomeKind.UpstreamTimeout)]
    [InlineData(UpstreamOutcomeKind.UpstreamProtocolError)]
    [InlineData(UpstreamOutcomeKind.UpstreamAuthRejected)]
    [InlineData(UpstreamOutcomeKind.UpstreamError)]
    public void Report_UpstreamFault_LowersScore(UpstreamOutcomeKind kind)
    {
        LiveOutcomeRecorder sut = CreateSut();
        Warm(sut);
        double before = Score();

        sut.Report(Outcome(kind));

        Assert.True(Score() < before);
        Assert.Equal(1, _book.Get(1).TakeLiveTally().Failures);
    }

    [Fact]
    public void Report_BurstOfUpstreamFaults_RequestsQuarantineOnceAndQueuesUpstreamOnce()
    {
        LiveOutcomeRecorder sut = CreateSut(quarantineAfter: 5);
        Warm(sut, 3);
        for (int i = 0; i < 4; i++)
        {
            sut.Report(Outcome(UpstreamOutcomeKind.UpstreamConnectFailed));
        }

        Assert.Equal(4, _book.Get(1).ConsecutiveLiveFaults);
        sut.Report(Outcome(UpstreamOutcomeKind.UpstreamConnectFailed));
        sut.Report(Outcome(UpstreamOutcomeKind.UpstreamConnectFailed));

        Assert.True(sut.Pending.TryRead(out long queued));
        Assert.Equal(1, queued);
        Assert.False(sut.Pending.TryRead(out _));
        LiveTally tally = _book.Get(1).TakeLiveTally();
        Assert.True(tally.QuarantineRequested);
        Assert.Equal(6, tally.ConsecutiveLiveFaults);
        Assert.False(_book.Get(1).TakeLiveTally().QuarantineRequested);
    }

    [Fact]
    public void Report_SuccessBetweenFaults_BreaksTheBurst()
    {
        LiveOutcomeRecorder sut = CreateSut(quarantineAfter: 3);
        sut.Report(Outcome(UpstreamOutcomeKind.UpstreamTimeout));
        sut.Report(Outcome(UpstreamOutcomeKind.UpstreamTimeout));
        sut.Report(Outcome(UpstreamOutcomeKind.Success));
        sut.Report(Outcome(UpstreamOutcomeKind.UpstreamTimeout));
        sut.Report(Outcome(UpstreamOutcomeKind.ClientAborted));
        sut.Report(Outcome(UpstreamOutcomeKind.UpstreamTimeout));

        Assert.False(_book.Get(1).TakeLiveTally().QuarantineRequested);
    }

    [Fact]
    public void Report_AfterWriterTookTheEntry_QueuesItAgain()
    {
        LiveOutcomeRecorder sut = CreateSut();
        sut.Report(Outcome(UpstreamOutcomeKind.Success, id: 7));
        Assert.True(sut.Pending.TryRead(out _));

        _book.Get(7).ClearQueued();
        sut.Report(Outcome(UpstreamOutcomeKind.Success, id: 7));

        Assert.True(sut.Pending.TryRead(out long again));
        Assert.Equal(7, again);
    }

    [Fact]
    public async Task Report_ManyThreadsManyUpstreams_CountsEveryOutcome()
    {
        LiveOutcomeRecorder sut = CreateSut(quarantineAfter: 0);
        await Parallel.ForAsync(0, 40_000, (i, _) =>
        {
            sut.Report(Outcome(i % 3 == 0 ? UpstreamOutcomeKind.UpstreamError : UpstreamOutcomeKind.Success, id: i % 100));
            return ValueTask.CompletedTask;
        });

        long requests = 0, failures = 0;
        for (int id = 0; id < 100; id++)
        {
            LiveTally t = _book.Get(id).TakeLiveTally();
            requests += t.Requests;
            failures += t.Failures;
        }

        Assert.Equal(40_000, requests);
        Assert.Equal(Enumerable.Range(0, 40_000).Count(i => i % 3 == 0), failures);
    }

    [Fact]
    public void Report_Probe_Ignored()
    {
        LiveOutcomeRecorder sut = CreateSut();

        sut.Report(Outcome(UpstreamOutcomeKind.UpstreamError) with { IsProbe = true });

        Assert.False(sut.Pending.TryRead(out _));
        Assert.Equal(UpstreamScorer.UnknownScore, Score());
    }
}
