namespace ProxyRotator.Health.Scoring;

/// <summary>The figures stored on an upstream row: score, decayed success rate and decayed latency.</summary>
public readonly record struct ScoreFigures(double Score, double? SuccessRate, double? LatencyMs);
