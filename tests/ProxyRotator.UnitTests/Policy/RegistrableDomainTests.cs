using ProxyRotator.Core.Policy;

namespace ProxyRotator.UnitTests.Policy;

public sealed class RegistrableDomainTests
{
    [Theory]
    [InlineData("example.com", "example.com")]
    [InlineData("www.example.com", "example.com")]
    [InlineData("a.b.c.example.com", "example.com")]
    [InlineData("example.com.", "example.com")]
    [InlineData("www.example.co.uk", "example.co.uk")]
    [InlineData("example.co.uk", "example.co.uk")]
    [InlineData("co.uk", "co.uk")]
    [InlineData("shop.example.com.au", "example.com.au")]
    [InlineData("WWW.Example.Co.JP", "Example.Co.JP")]
    [InlineData("user1.github.io", "user1.github.io")]
    [InlineData("a.user1.github.io", "user1.github.io")]
    [InlineData("localhost", "localhost")]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("[2001:db8::1]", "2001:db8::1")]
    [InlineData("www.gov.xx", "gov.xx")]
    public void Of_Host_ReturnsItsSite(string host, string expected)
    {
        Assert.Equal(expected, RegistrableDomain.Of(host).ToString());
    }

    [Fact]
    public void ToKey_MixedCase_IsLowerCase()
    {
        Assert.Equal("example.co.uk", RegistrableDomain.ToKey("WWW.EXAMPLE.CO.UK"));
    }

    [Fact]
    public void Of_Host_DoesNotAllocate()
    {
        RegistrableDomain.Of("www.shop.example.co.uk");
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            RegistrableDomain.Of("www.shop.example.co.uk");
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
