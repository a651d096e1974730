using ProxyRotator.Core.Outcomes;

namespace ProxyRotator.Health.Scoring;

/// <summary>
/// The in-memory health of one upstream, shared by probes and live traffic so both feed one score. A tiny lock per
/// upstream guards it: the gateway's reports for different upstreams never contend, and a report holds the lock for
/// a few arithmetic operations only.
/// </summary>
public sealed class UpstreamHealthEntry
{
    private readonly Lock _lock = new();
    private ScoreState _score;
    private ScoreState _own;
    private ScoreState _others;
    private bool _ownChanged;
    private bool _seeded;
    private int _liveFaults;
    private bool _quarantineRequested;
    private long _requests;
    private long _failures;
    private DateTimeOffset? _lastUsedAt;
    private int _queued;

    public ScoreState Score
    {
        get
        {
            lock (_lock)
            {
                return _score;
            }
        }
    }

    /// <summary>Consecutive live upstream faults since the last success (live or probe).</summary>
    public int ConsecutiveLiveFaults
    {
        get
        {
            lock (_lock)
            {
                return _liveFaults;
            }
        }
    }

    /// <summary>
    /// True once <see cref="SeedOnce"/> has run: lets a writer skip reading the stored figures it would only seed
    /// from. A stale false merely costs that read; <see cref="SeedOnce"/> itself still seeds at most once.
    /// </summary>
    public bool IsSeeded => Volatile.Read(ref _seeded);

    /// <summary>
    /// Adds the figures persisted before this process knew the upstream (once). Observations already recorded in
    /// memory are kept: the stored history is merged in, not substituted.
    /// </summary>
    public void SeedOnce(in ScoreState stored, UpstreamScorer scorer, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_seeded)
            {
                return;
            }

            _seeded = true;
            ScoreState a = scorer.Decay(stored, now), b = scorer.Decay(_score, now);
            _score = new ScoreState(a.SuccessSum + b.SuccessSum, a.OutcomeWeight + b.OutcomeWeight,
                a.LatencySumMs + b.LatencySumMs, a.LatencyWeight + b.LatencyWeight, now);
        }
    }

    /// <summary>Feeds a probe result into the score; a successful probe also ends a live fault streak.</summary>
    public ScoreFigures RecordProbe(UpstreamScorer scorer, bool success, TimeSpan latency, DateTimeOffset now)
    {
        lock (_lock)
        {
            _score = success ? scorer.AddSuccess(_score, latency, now) : scorer.AddFailure(_score, now);
            _own = success ? scorer.AddSuccess(_own, latency, now) : scorer.AddFailure(_own, now);
            _ownChanged = true;
            if (success)
            {
                _liveFaults = 0;
            }

            return Figures(scorer);
        }
    }

    /// <summary>
    /// Feeds one live outcome. Upstream faults count against the upstream; successes (a target's 404 included)
    /// count for it; client aborts and target errors only count as use. Returns true when this report completes a
    /// burst of <paramref name="quarantineAfter"/> consecutive upstream faults.
    /// </summary>
    public bool RecordLive(UpstreamScorer scorer, in UpstreamOutcome outcome, DateTimeOffset now, int quarantineAfter)
    {
        lock (_lock)
        {
            _requests++;
            _lastUsedAt = _lastUsedAt is { } last && last > now ? last : now;
            if (outcome.IsUpstreamFault)
            {
                _failures++;
                _score = scorer.AddFailure(_score, now);
                _own = scorer.AddFailure(_own, now);
                _ownChanged = true;
                _liveFaults++;
                if (quarantineAfter > 0 && _liveFaults >= quarantineAfter && !_quarantineRequested)
                {
                    _quarantineRequested = true;
                    return true;
                }
            }
            else if (outcome.Kind == UpstreamOutcomeKind.Success)
            {
                _score = scorer.AddSuccess(_score, outcome.Latency, now);
                _own = scorer.AddSuccess(_own, outcome.Latency, now);
                _ownChanged = true;
                _liveFaults = 0;
            }

            return false;
        }
    }

    /// <summary>Takes the live counts gathered since the last call (and the pending quarantine request).</summary>
    public LiveTally TakeLiveTally()
    {
        lock (_lock)
        {
            var tally = new LiveTally(_requests, _failures, _lastUsedAt, _liveFaults, _quarantineRequested);
            _requests = 0;
            _failures = 0;
            _lastUsedAt = null;
            if (_quarantineRequested)
            {
                _quarantineRequested = false;
                _liveFaults = 0;
            }

            return tally;
        }
    }

    /// <summary>
    /// Puts back a tally whose write failed, so that the next write carries its counts, its last use and its
    /// quarantine request together with whatever came since.
    /// </summary>
    public void ReturnLiveTally(in LiveTally tally)
    {
        lock (_lock)
        {
            _requests += tally.Requests;
            _failures += tally.Failures;
            if (tally.LastUsedAt is { } used && (_lastUsedAt is not { } last || used > last))
            {
                _lastUsedAt = used;
            }

            if (tally.QuarantineRequested && !_quarantineRequested)
            {
                _quarantineRequested = true;
                _liveFaults = Math.Max(_liveFaults, tally.ConsecutiveLiveFaults);
            }
        }
    }

    public ScoreFigures Figures(UpstreamScorer scorer)
    {
        lock (_lock)
        {
            ScoreState combined = _others.UpdatedAt is null ? _score : Combine(scorer, _score, _others);
            return new ScoreFigures(scorer.Score(combined), combined.SuccessRate, combined.LatencyMs);
        }
    }

    /// <summary>
    /// This instance's own observations (live and probes, without the stored history it was seeded with) when they
    /// changed since the last call, for the other instances to add to theirs; null when nothing changed.
    /// </summary>
    public ScoreState? TakeOwnIfChanged()
    {
        lock (_lock)
        {
            if (!_ownChanged)
            {
                return null;
            }

            _ownChanged = false;
            return _own;
        }
    }

    /// <summary>Sets the other instances' observations (their decayed sums added up): the score combines them with this instance's.</summary>
    public void SetOthers(in ScoreState others)
    {
        lock (_lock)
        {
            _others = others;
        }
    }

    private static ScoreState Combine(UpstreamScorer scorer, in ScoreState a, in ScoreState b)
    {
        DateTimeOffset now = (a.UpdatedAt, b.UpdatedAt) switch
        {
            ({ } x, { } y) => x > y ? x : y,
            ({ } x, null) => x,
            (null, { } y) => y,
            _ => DateTimeOffset.MinValue,
        };
        ScoreState da = scorer.Decay(a, now), db = scorer.Decay(b, now);
        return new ScoreState(da.SuccessSum + db.SuccessSum, da.OutcomeWeight + db.OutcomeWeight,
            da.LatencySumMs + db.LatencySumMs, da.LatencyWeight + db.LatencyWeight, now);
    }

    /// <summary>Marks the entry as queued for the writer; false when it already is (one queue slot per upstream).</summary>
    public bool TryMarkQueued() => Interlocked.Exchange(ref _queued, 1) == 0;

    /// <summary>Called by the writer before it takes the tally, so reports arriving meanwhile queue the entry again.</summary>
    public void ClearQueued() => Volatile.Write(ref _queued, 0);
}
