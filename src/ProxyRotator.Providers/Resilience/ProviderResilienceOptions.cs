using System.ComponentModel.DataAnnotations;

namespace ProxyRotator.Providers.Resilience;

/// <summary>
/// How hard a provider fetch tries. Defaults suit a list refreshed every few minutes: a flaky provider gets a few
/// spaced retries, a dead one trips the breaker so the next refreshes fail fast instead of piling up.
/// </summary>
public sealed class ProviderResilienceOptions
{
    /// <summary>Retries after the first attempt.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>First retry delay; doubles per retry, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>One HTTP attempt (connect, headers and body).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Failure ratio within <see cref="BreakerSamplingDuration"/> that opens the breaker.</summary>
    [Range(0.01, 1.0)]
    public double BreakerFailureRatio { get; set; } = 0.5;

    [Range(2, 1000)]
    public int BreakerMinimumThroughput { get; set; } = 4;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromMinutes(2);

    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromMinutes(1);
}
