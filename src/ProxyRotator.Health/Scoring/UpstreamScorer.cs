namespace ProxyRotator.Health.Scoring;

/// <summary>
/// Turns observations into a score in [0,1]: <c>successRate × (1 − w + w × latencyFactor)</c>, where
/// <c>latencyFactor = 1 / (1 + latency / reference)</c> (1 for instant answers, ½ at the reference latency) and
/// <c>w</c> is <see cref="LatencyShare"/>. A reliable but slow upstream therefore scores ≥ 1 − w; an upstream
/// that fails scores near 0 whatever its latency. Sums decay with a half-life (time-based EWMA), so the score
/// follows the last few half-lives whether observations are dense (live traffic) or sparse (probes).
/// Only upstream faults are fed in as failures; the caller drops neutral outcomes (client aborts, target errors).
/// </summary>
public sealed class UpstreamScorer
{
    /// <summary>The score of an upstream nothing is known about.</summary>
    public const double UnknownScore = 0.5;

    /// <summary>Share of the score that latency can take away.</summary>
    public const double LatencyShare = 0.3;

    private readonly TimeSpan _halfLife;
    private readonly double _referenceLatencyMs;

    /// <param name="halfLife">Time for an observation's weight to halve.</param>
    /// <param name="referenceLatency">Latency that halves the latency factor (e.g. 1 s).</param>
    public UpstreamScorer(TimeSpan halfLife, TimeSpan referenceLatency)
    {
        _halfLife = halfLife > TimeSpan.Zero ? halfLife : TimeSpan.FromMinutes(10);
        _referenceLatencyMs = referenceLatency > TimeSpan.Zero ? referenceLatency.TotalMilliseconds : 1000;
    }

    /// <summary>
    /// Seeds a state from figures persisted earlier (after a restart), as if they were <paramref name="weight"/>
    /// observations made at <paramref name="at"/>.
    /// </summary>
    public static ScoreState Seed(double? successRate, double? latencyMs, DateTimeOffset? at, double weight = 3)
    {
        if (successRate is null || at is null)
        {
            return ScoreState.Empty;
        }

        double rate = Math.Clamp(successRate.Value, 0, 1);
        bool hasLatency = latencyMs is > 0;
        return new ScoreState(rate * weight, weight, hasLatency ? latencyMs!.Value * weight : 0, hasLatency ? weight : 0, at);
    }

    /// <summary>Adds a success with its latency.</summary>
    public ScoreState AddSuccess(in ScoreState state, TimeSpan latency, DateTimeOffset now)
    {
        ScoreState d = Decay(state, now);
        return d with
        {
            SuccessSum = d.SuccessSum + 1,
            OutcomeWeight = d.OutcomeWeight + 1,
            LatencySumMs = d.LatencySumMs + Math.Max(0, latency.TotalMilliseconds),
            LatencyWeight = d.LatencyWeight + 1,
        };
    }

    /// <summary>Adds an upstream fault (its latency says nothing about the upstream's speed and is ignored).</summary>
    public ScoreState AddFailure(in ScoreState state, DateTimeOffset now)
    {
        ScoreState d = Decay(state, now);
        return d with { OutcomeWeight = d.OutcomeWeight + 1 };
    }

    /// <summary>The score of a state; <see cref="UnknownScore"/> without observations.</summary>
    public double Score(in ScoreState state)
    {
        if (state.SuccessRate is not double rate)
        {
            return UnknownScore;
        }

        double latencyFactor = state.LatencyMs is double ms ? 1 / (1 + (ms / _referenceLatencyMs)) : 1;
        return Math.Clamp(rate * (1 - LatencyShare + (LatencyShare * latencyFactor)), 0, 1);
    }

    /// <summary>Ages every sum to <paramref name="now"/>; time never runs backwards here (a late report decays nothing).</summary>
    public ScoreState Decay(in ScoreState state, DateTimeOffset now)
    {
        if (state.UpdatedAt is not DateTimeOffset then || now <= then)
        {
            return state with { UpdatedAt = state.UpdatedAt is { } t && t > now ? t : now };
        }

        double factor = Math.Pow(0.5, (now - then) / _halfLife);
        return new ScoreState(
            state.SuccessSum * factor,
            state.OutcomeWeight * factor,
            state.LatencySumMs * factor,
            state.LatencyWeight * factor,
            now);
    }
}
