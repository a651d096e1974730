using ProxyRotator.Core.Backconnect;

namespace ProxyRotator.UnitTests.Backconnect;

/// <summary>Hands out one vendor session id (a vendor's documented example), after checking it fits the dialect's format.</summary>
internal sealed class FixedVendorSessionIds(string id) : IVendorSessionIds
{
    public VendorSessionIdFormat? AskedFormat { get; private set; }

    public string Derive(string account, string sessionId, long epoch, VendorSessionIdFormat format)
    {
        AskedFormat = format;
        Assert.True(format.Fits(id), $"'{id}' does not fit the dialect's format ({format.Length} of {format.Charset})");
        return id;
    }
}
