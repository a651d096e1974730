using System.Collections.Concurrent;
using NSubstitute;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health.Probing;

namespace ProxyRotator.UnitTests.Health.Probing;

public class BoundedProberTests
{
    private static ProbeTarget Target(int i) => new(i, new UpstreamEndpoint(UpstreamScheme.Http, $"10.0.{i / 250}.{i % 250}", 8000, null, null));

    [Fact]
    public async Task ProbeAllAsync_ThousandUpstreams_NeverExceedsConcurrencyAndProbesEachOnce()
    {
        const int concurrency = 16;
        int inFlight = 0, maxInFlight = 0;
        var seen = new ConcurrentDictionary<string, int>();
        IUpstreamProbe probe = Substitute.For<IUpstreamProbe>();
        probe.ProbeAsync(Arg.Any<UpstreamEndpoint>(), Arg.Any<CancellationToken>()).Returns(async call =>
        {
            int now = Interlocked.Increment(ref inFlight);
            int seenMax;
            while ((seenMax = Volatile.Read(ref maxInFlight)) < now && Interlocked.CompareExchange(ref maxInFlight, now, seenMax) != seenMax)
            {
            }

            seen.AddOrUpdate(call.Arg<UpstreamEndpoint>().Host, 1, (_, n) => n + 1);
            await Task.Delay(1);
            Interlocked.Decrement(ref inFlight);
            return ProbeResult.Succeeded(TimeSpan.FromMilliseconds(1), "203.0.113.1");
        });
        int results = 0;
        var sut = new BoundedProber(probe, concurrency);

        await sut.ProbeAllAsync(Enumerable.Range(0, 1000).Select(Target), (_, _, _) =>
        {
            Interlocked.Increment(ref results);
            return ValueTask.CompletedTask;
        }, CancellationToken.None);

        Assert.Equal(1000, results);
        Assert.Equal(1000, seen.Count);
        Assert.All(seen.Values, n => Assert.Equal(1, n));
        Assert.InRange(maxInFlight, 2, concurrency);
    }

    [Fact]
    public async Task ProbeAllAsync_ConcurrencyOne_ProbesSequentially()
    {
        int inFlight = 0, maxInFlight = 0;
        IUpstreamProbe probe = Substitute.For<IUpstreamProbe>();
        probe.ProbeAsync(Arg.Any<UpstreamEndpoint>(), Arg.Any<CancellationToken>()).Returns(async _ =>
        {
            maxInFlight = Math.Max(maxInFlight, Interlocked.Increment(ref inFlight));
            await Task.Yield();
            Interlocked.Decrement(ref inFlight);
            return ProbeResult.Failed(TimeSpan.Zero, ProbeErrorKind.ConnectRefused, "refused");
        });

        await new BoundedProber(probe, 1).ProbeAllAsync(Enumerable.Range(0, 50).Select(Target), (_, _, _) => ValueTask.CompletedTask, CancellationToken.None);

        Assert.Equal(1, maxInFlight);
    }
}
