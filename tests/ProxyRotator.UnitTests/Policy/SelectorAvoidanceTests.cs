using ProxyRotator.Core.Pool;
using ProxyRotator.UnitTests.Pool;

namespace ProxyRotator.UnitTests.Policy;

/// <summary>The selector's per-request avoidance (issue 13 §5-6): avoided upstreams are never picked; null costs nothing.</summary>
public sealed class SelectorAvoidanceTests
{
    private sealed class AvoidIds(params long[] ids) : IUpstreamAvoidance
    {
        public bool Avoids(UpstreamProxy upstream) => ids.Contains(upstream.Id);

        public void Picked(UpstreamProxy upstream)
        {
        }
    }

    [Fact]
    public void Pick_WithAvoidance_NeverPicksAnAvoidedUpstream()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot([.. Enumerable.Range(1, 8).Select(i => TestUpstreams.Create(i))]);
        var sut = new UpstreamSelector(new Random(7));
        var avoid = new AvoidIds(1, 2, 3, 4, 5, 6);

        var picked = new HashSet<long>();
        for (int i = 0; i < 200; i++)
        {
            picked.Add(sut.Pick(snapshot, UpstreamQuery.Any, [], avoid)!.Id);
        }

        Assert.Equal([7, 8], picked.Order());
    }

    [Fact]
    public void Pick_EveryUpstreamAvoided_ReturnsNull()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot(TestUpstreams.Create(1), TestUpstreams.Create(2));

        Assert.Null(new UpstreamSelector(new Random(1)).Pick(snapshot, UpstreamQuery.Any, [], new AvoidIds(1, 2)));
        Assert.Null(new UpstreamSelector(new Random(1)).Pick(TestUpstreams.Snapshot(TestUpstreams.Create(1)), UpstreamQuery.Any, [], new AvoidIds(1)));
    }

    [Fact]
    public void Pick_AvoidanceAndTried_BothExclude()
    {
        PoolSnapshot snapshot = TestUpstreams.Snapshot(TestUpstreams.Create(1), TestUpstreams.Create(2), TestUpstreams.Create(3));

        UpstreamProxy? picked = new UpstreamSelector(new Random(3)).Pick(snapshot, UpstreamQuery.Any, [1], new AvoidIds(2));

        Assert.Equal(3, picked!.Id);
    }
}
