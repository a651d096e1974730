using ProxyRotator.Core.Configuration;

namespace ProxyRotator.Health.Lifecycle;

/// <summary>
/// Delay before the next re-check of a quarantined upstream: <c>interval × 2^failedRechecks</c>, capped at
/// <see cref="HealthCheckOptions.MaxBackoff"/>, then shortened by up to <see cref="JitterFraction"/> so
/// upstreams that failed together are not re-probed together. Jitter only shortens, so the cap holds and each
/// step still grows (2 × 0.8 &gt; 1).
/// </summary>
public sealed class QuarantineBackoff
{
    /// <summary>Largest share of a delay that jitter removes.</summary>
    public const double JitterFraction = 0.2;

    private readonly TimeSpan _base;
    private readonly TimeSpan _max;
    private readonly Random _random;

    public QuarantineBackoff(HealthCheckOptions options, Random? random = null)
    {
        _base = options.Interval > TimeSpan.Zero ? options.Interval : TimeSpan.FromSeconds(1);
        _max = options.MaxBackoff >= _base ? options.MaxBackoff : _base;
        _random = random ?? Random.Shared;
    }

    /// <summary>The delay before the cap and jitter are applied to attempt <paramref name="failedRechecks"/>.</summary>
    public TimeSpan Nominal(int failedRechecks)
    {
        // 2^30 × any interval is past every sensible cap; stop doubling before the arithmetic overflows.
        int exponent = Math.Clamp(failedRechecks, 0, 30);
        double ticks = _base.Ticks * Math.Pow(2, exponent);
        return ticks >= _max.Ticks ? _max : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The jittered delay: in <c>[(1 − JitterFraction) × nominal, nominal]</c>.</summary>
    public TimeSpan Next(int failedRechecks)
    {
        TimeSpan nominal = Nominal(failedRechecks);
        double factor = 1 - (JitterFraction * _random.NextDouble());
        return TimeSpan.FromTicks((long)(nominal.Ticks * factor));
    }
}
