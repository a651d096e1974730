using ProxyRotator.Core.Backconnect;

namespace ProxyRotator.UnitTests.Backconnect;

public sealed class KeyedVendorSessionIdsTests
{
    private static readonly byte[] _key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly VendorSessionIdFormat _format = new(12, VendorSessionIdCharset.LowerAlphanumeric);

    [Fact]
    public void Derive_SameInputs_SameId()
    {
        var first = new KeyedVendorSessionIds(_key);
        var second = new KeyedVendorSessionIds(_key);

        Assert.Equal(first.Derive("scraper", "s1", 0, _format), second.Derive("scraper", "s1", 0, _format));
    }

    [Fact]
    public void Derive_OtherAccountSessionEpochOrKey_OtherId()
    {
        var ids = new KeyedVendorSessionIds(_key);
        string id = ids.Derive("scraper", "s1", 0, _format);

        Assert.NotEqual(id, ids.Derive("crawler", "s1", 0, _format));
        Assert.NotEqual(id, ids.Derive("scraper", "s2", 0, _format));
        Assert.NotEqual(id, ids.Derive("scraper", "s1", 1, _format));
        Assert.NotEqual(id, new KeyedVendorSessionIds(new byte[32]).Derive("scraper", "s1", 0, _format));
        Assert.NotEqual(ids.Derive("ab", "c", 0, _format), ids.Derive("a", "bc", 0, _format));
    }

    [Theory]
    [InlineData(VendorSessionIdCharset.LowerAlphanumeric, 8, "^[a-z0-9]{8}$")]
    [InlineData(VendorSessionIdCharset.Alphanumeric, 32, "^[A-Za-z0-9]{32}$")]
    [InlineData(VendorSessionIdCharset.Hex, 16, "^[0-9a-f]{16}$")]
    [InlineData(VendorSessionIdCharset.Digits, 10, "^[0-9]{10}$")]
    public void Derive_Format_FitsLengthAndCharset(VendorSessionIdCharset charset, int length, string pattern)
    {
        var format = new VendorSessionIdFormat(length, charset);

        string id = new KeyedVendorSessionIds(_key).Derive("scraper", "s1", 0, format);

        Assert.Matches(pattern, id);
        Assert.True(format.Fits(id));
    }

    [Fact]
    public void Derive_AccountNameAsSessionId_DoesNotRevealAccount()
    {
        string id = new KeyedVendorSessionIds(_key).Derive("abcdefgh", "abcdefgh", 0, new VendorSessionIdFormat(32, VendorSessionIdCharset.LowerAlphanumeric));

        Assert.DoesNotContain("abcd", id, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ShortKey_Throws() =>
        Assert.Throws<ArgumentException>(() => new KeyedVendorSessionIds(new byte[15]));
}
