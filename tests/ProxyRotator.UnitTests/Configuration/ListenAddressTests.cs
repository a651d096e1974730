using System.Net;
using ProxyRotator.Core.Configuration;

namespace ProxyRotator.UnitTests.Configuration;

public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080, "127.0.0.1:8080")]
    [InlineData("[::1]:8080", "::1", 8080, "[::1]:8080")]
    [InlineData("*:3128", "*", 3128, "*:3128")]
    [InlineData("0.0.0.0:1", "0.0.0.0", 1, "0.0.0.0:1")]
    [InlineData("localhost:65535", "localhost", 65535, "localhost:65535")]
    public void TryParse_ValidAddress_ReturnsHostAndPort(string text, string host, int port, string formatted)
    {
        Assert.True(ListenAddress.TryParse(text, allowAnyPort: false, out ListenAddress? address, out _));
        Assert.Equal((host, port, formatted), (address!.Host, address.Port, address.ToString()));
    }

    [Fact]
    public void TryParse_PortZero_OnlyWhenAllowed()
    {
        Assert.False(ListenAddress.TryParse("127.0.0.1:0", allowAnyPort: false, out _, out _));
        Assert.True(ListenAddress.TryParse("127.0.0.1:0", allowAnyPort: true, out ListenAddress? address, out _));
        Assert.Equal(IPAddress.Loopback, address!.Address);
    }

    [Theory]
    [InlineData("")]
    [InlineData("8080")]
    [InlineData(":8080")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:http")]
    [InlineData("127.1:80")]
    [InlineData("[::1:80")]
    [InlineData("[127.0.0.1]:80")]
    [InlineData("host.example:80")]
    public void TryParse_InvalidAddress_Fails(string text) =>
        Assert.False(ListenAddress.TryParse(text, allowAnyPort: true, out _, out _));

    [Theory]
    [InlineData("*:80", true, true, false)]
    [InlineData("0.0.0.0:80", false, true, false)]
    [InlineData("[::]:80", false, true, false)]
    [InlineData("localhost:80", false, false, true)]
    [InlineData("LOCALHOST:80", false, false, true)]
    [InlineData("127.0.0.1:80", false, false, false)]
    public void TryParse_HostForms_OneMeaning(string text, bool everyInterface, bool anyAddress, bool localhost)
    {
        Assert.True(ListenAddress.TryParse(text, allowAnyPort: false, out ListenAddress? address, out _));

        Assert.Equal((everyInterface, anyAddress, localhost), (address!.IsEveryInterface, address.IsAnyAddress, address.IsLocalhost));
    }

    [Fact]
    public void Address_Star_IsDualStackAny() =>
        Assert.Equal(IPAddress.IPv6Any, Parse("*:80").Address);

    [Fact]
    public void Address_Localhost_IsNullSoBothLoopbacksAreBound() =>
        Assert.Null(Parse("localhost:80").Address);

    private static ListenAddress Parse(string text)
    {
        Assert.True(ListenAddress.TryParse(text, allowAnyPort: true, out ListenAddress? address, out string? error), error);
        return address!;
    }
}
