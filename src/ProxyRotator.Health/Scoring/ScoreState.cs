namespace ProxyRotator.Health.Scoring;

/// <summary>
/// Time-decayed sums behind an upstream's score: each observation adds weight 1, and every weight halves per
/// half-life, so recent behaviour dominates and an old outage fades. Immutable; see <see cref="UpstreamScorer"/>.
/// </summary>
/// <param name="SuccessSum">Decayed sum of outcomes (1 success, 0 upstream fault).</param>
/// <param name="OutcomeWeight">Decayed count of outcomes.</param>
/// <param name="LatencySumMs">Decayed sum of latencies of successes.</param>
/// <param name="LatencyWeight">Decayed count of successes with a latency.</param>
/// <param name="UpdatedAt">Time the sums were last decayed to; null for a fresh state.</param>
public readonly record struct ScoreState(
    double SuccessSum,
    double OutcomeWeight,
    double LatencySumMs,
    double LatencyWeight,
    DateTimeOffset? UpdatedAt)
{
    /// <summary>No observations yet.</summary>
    public static ScoreState Empty => default;

    /// <summary>Decayed success rate in [0,1]; null before the first observation.</summary>
    public double? SuccessRate => OutcomeWeight > 1e-9 ? Math.Clamp(SuccessSum / OutcomeWeight, 0, 1) : null;

    /// <summary>Decayed mean latency of successes; null before the first success.</summary>
    public double? LatencyMs => LatencyWeight > 1e-9 ? LatencySumMs / LatencyWeight : null;
}
