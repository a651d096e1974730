using ProxyRotator.Gateway.Accounts;

namespace ProxyRotator.UnitTests.Gateway.Accounts;

public sealed class CredentialVerdictCacheTests
{
    [Fact]
    public void Digest_IsKeyedPerCacheAndDiffersPerAccountAndPassword()
    {
        var cache = new CredentialVerdictCache();
        var other = new CredentialVerdictCache();

        Assert.Equal(cache.Digest("a", "pw"), cache.Digest("a", "pw"));
        Assert.NotEqual(cache.Digest("a", "pw"), other.Digest("a", "pw"));
        Assert.NotEqual(cache.Digest("a", "pw"), cache.Digest("b", "pw"));
        Assert.NotEqual(cache.Digest("a", "pw"), cache.Digest("a", "pw2"));
        Assert.NotEqual(cache.Digest("ab", "c"), cache.Digest("a", "bc"));
    }

    [Fact]
    public void TryGet_VerdictMadeAgainstAnotherHash_Ignored()
    {
        var cache = new CredentialVerdictCache();
        CredentialDigest digest = cache.Digest("a", "pw");
        cache.Remember(digest, "a", "hash-1", passwordOk: true);

        Assert.True(cache.TryGet(digest, "hash-1", out bool ok) && ok);
        Assert.False(cache.TryGet(digest, "hash-2", out _)); // password changed
        Assert.False(cache.TryGet(digest, null, out _)); // account disabled or deleted
    }

    [Fact]
    public void Remember_BeyondCapacity_StaysBounded()
    {
        var cache = new CredentialVerdictCache(capacity: 10);

        for (int i = 0; i < 100; i++)
        {
            cache.Remember(cache.Digest("a", "pw" + i), "a", "h", passwordOk: false);
        }

        Assert.InRange(cache.Count, 1, 10);
    }

    [Fact]
    public void DropStale_RemovesVerdictsOfChangedAccounts()
    {
        var cache = new CredentialVerdictCache();
        cache.Remember(cache.Digest("a", "pw"), "a", "old", passwordOk: true);
        cache.Remember(cache.Digest("b", "pw"), "b", "same", passwordOk: true);

        cache.DropStale(name => name == "a" ? "new" : "same");

        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet(cache.Digest("b", "pw"), "same", out _));
    }

    [Fact]
    public void Generation_RememberWithinCapacity_Unchanged()
    {
        var cache = new CredentialVerdictCache(capacity: 10);
        int before = cache.Generation;

        cache.Remember(cache.Digest("a", "pw"), "a", "h", passwordOk: true);

        Assert.Equal(before, cache.Generation);
    }

    [Fact]
    public void Generation_CacheStartsOverOrDropsStale_Changes()
    {
        var cache = new CredentialVerdictCache(capacity: 2);
        cache.Remember(cache.Digest("a", "pw"), "a", "h", passwordOk: true);
        int first = cache.Generation;

        cache.DropStale(_ => "h");
        int afterDrop = cache.Generation;
        cache.Remember(cache.Digest("a", "pw2"), "a", "h", passwordOk: false);
        cache.Remember(cache.Digest("a", "pw3"), "a", "h", passwordOk: false); // over capacity: starts again empty

        Assert.NotEqual(first, afterDrop);
        Assert.NotEqual(afterDrop, cache.Generation);
    }
}
