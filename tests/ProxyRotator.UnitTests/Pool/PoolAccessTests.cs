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
}
