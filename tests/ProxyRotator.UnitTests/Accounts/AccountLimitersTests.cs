using System.Diagnostics;
using ProxyRotator.Core.Accounts;

namespace ProxyRotator.UnitTests.Accounts;

public sealed class AccountLimitersTests
{
    [Fact]
    public void TryTakeRequest_BucketEmpty_RefusedWithRetryAfter_RefilledWithoutATimer()
    {
        using var limiters = new AccountLimiters(new AccountLimits(RequestsPerSecond: 2));

        Assert.True(limiters.TryTakeRequest(out _));
        Assert.True(limiters.TryTakeRequest(out _));
        Assert.False(limiters.TryTakeRequest(out TimeSpan retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(1));

        // The bucket refills on the wall clock (the limiter reads Stopwatch): the next request after a second is served.
        var clock = Stopwatch.StartNew();
        bool served = false;
        while (!served && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(50);
            served = limiters.TryTakeRequest(out _);
        }

        Assert.True(served);
    }

    [Fact]
    public void TryEnter_AllPermitsHeld_RefusedUntilOneIsReleased()
    {
        using var limiters = new AccountLimiters(new AccountLimits(MaxConcurrent: 1));

        Assert.True(limiters.TryEnter(out System.Threading.RateLimiting.RateLimitLease? held));
        Assert.False(limiters.TryEnter(out _));
        held!.Dispose();
        Assert.True(limiters.TryEnter(out System.Threading.RateLimiting.RateLimitLease? next));
        next!.Dispose();
    }
}
