using ProxyRotator.Core.Pool;

namespace ProxyRotator.UnitTests.Pool;

public sealed class PoolAccessTests
{
    [Fact]
    public void Of_Star_IsAll()
    {
        Assert.Same(PoolAccess.All, PoolAccess.Of(["a", "*"]));
        Assert.True(PoolAccess.All.Allows("anything"));
    }

    [Fact]
    public void Of_SameSetInAnyOrderOrCase_EqualWithSameHash()
    {
        PoolAccess a = PoolAccess.Of(["res-eu", "DC"]);
        PoolAccess b = PoolAccess.Of(["dc", "Res-EU", "dc"]);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal("dc,res-eu", a.Key);
    }

    [Fact]
    public void Allows_CaseInsensitive_OnlyListedPools()
    {
        PoolAccess access = PoolAccess.Of(["res-eu"]);

        Assert.True(access.Allows("RES-EU"));
        Assert.False(access.Allows("dc"));
        Assert.NotEqual(PoolAccess.All, access);
    }

    [Fact]
    public void Intersect_TwoSets_OnlyCommonPools()
    {
        PoolAccess access = PoolAccess.Of(["res_eu", "dns"]).Intersect(PoolAccess.Of(["DNS", "quic"]));

        Assert.Equal("dns", access.Key);
        Assert.True(access.Allows("dns"));
        Assert.False(access.Allows("res_eu"));
    }

    [Fact]
    public void Intersect_WithAll_KeepsTheOtherSet()
    {
        PoolAccess udp = PoolAccess.Of(["dns"]);

        Assert.Equal(udp, PoolAccess.All.Intersect(udp));
        Assert.Equal(udp, udp.Intersect(PoolAccess.All));
    }

    [Fact]
    public void Intersect_DisjointSets_AllowsNothing()
    {
        PoolAccess access = PoolAccess.Of(["res_eu"]).Intersect(PoolAccess.Of(["dns"]));

        Assert.False(access.Allows("res_eu"));
        Assert.False(access.Allows("dns"));
        Assert.False(access.AllowsAll);
    }
}
