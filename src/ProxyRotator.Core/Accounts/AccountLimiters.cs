using System.Threading.RateLimiting;

namespace ProxyRotator.Core.Accounts;

/// <summary>
/// One account's rate and concurrency limiters (<see cref="System.Threading.RateLimiting"/>), made only for the
/// limits it has and never queueing: over the limit is an immediate refusal, so one account's limit never holds a
/// request of another. Kept across account changes that leave these limits alone.
/// </summary>
public sealed class AccountLimiters : IDisposable
{
    private readonly ConcurrencyLimiter? _concurrency;
    private readonly TokenBucketRateLimiter? _rate;

    public AccountLimiters(AccountLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        Limits = limits;
        if (limits.MaxConcurrent is { } concurrent)
        {
            _concurrency = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = concurrent, QueueLimit = 0 });
        }

        if (limits.RequestsPerSecond is { } perSecond)
        {
            // A bucket of one second's requests. Replenished by the request that finds it due (TryReplenish), not by a
            // timer: with thousands of limited accounts, a timer each would fire thousands of times a second for
            // nothing.
            _rate = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = perSecond,
                TokensPerPeriod = perSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = false,
            });
        }
    }

    public AccountLimits Limits { get; }

    /// <summary>Takes one request from the token bucket; false with the wait when it is empty.</summary>
    public bool TryTakeRequest(out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (_rate is null)
        {
            return true;
        }

        _rate.TryReplenish();
        using RateLimitLease lease = _rate.AttemptAcquire(1);
        if (lease.IsAcquired)
        {
            return true;
        }

        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan wait) ? wait : TimeSpan.FromSeconds(1);
        return false;
    }

    /// <summary>Takes a concurrency permit (null lease when unlimited); false when all are in use.</summary>
    public bool TryEnter(out RateLimitLease? lease)
    {
        lease = null;
        if (_concurrency is null)
        {
            return true;
        }

        RateLimitLease acquired = _concurrency.AttemptAcquire(1);
        if (acquired.IsAcquired)
        {
            lease = acquired;
            return true;
        }

        acquired.Dispose();
        return false;
    }

    public void Dispose()
    {
        _concurrency?.Dispose();
        _rate?.Dispose();
    }
}
