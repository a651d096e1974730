using ProxyRotator.Simulation.Upstreams;

namespace ProxyRotator.UnitTests.Simulation;

public sealed class ProxyTargetTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080/a/b?c=d", "127.0.0.1", 8080, "/a/b?c=d")]
    [InlineData("http://example.com", "example.com", 80, "/")]
    [InlineData("http://example.com?x=1", "example.com", 80, "/?x=1")]
    [InlineData("http://user:pw@example.com:81/p#frag", "example.com", 81, "/p")]
    [InlineData("http://[::1]:9000/", "::1", 9000, "/")]
    [InlineData("HTTP://EXAMPLE.com/", "EXAMPLE.com", 80, "/")]
    public void TryParseAbsolute_ValidTargets_SplitIntoHostPortAndPath(string target, string host, int port, string pathAndQuery)
    {
        Assert.True(ProxyTarget.TryParseAbsolute(target, out string parsedHost, out int parsedPort, out _, out string parsedPath));
        Assert.Equal(host, parsedHost);
        Assert.Equal(port, parsedPort);
        Assert.Equal(pathAndQuery, parsedPath);
    }

    [Theory]
    [InlineData("/relative")]
    [InlineData("https://example.com/")]
    [InlineData("http://:80/")]
    [InlineData("http://example.com:0/")]
    [InlineData("http://example.com:65536/")]
    [InlineData("http://example.com:8x/")]
    [InlineData("http://::1:80/")]
    public void TryParseAbsolute_InvalidTargets_Rejected(string target) =>
        Assert.False(ProxyTarget.TryParseAbsolute(target, out _, out _, out _, out _));

    [Theory]
    [InlineData("example.com:443", "example.com", 443)]
    [InlineData("[2001:db8::1]:8443", "2001:db8::1", 8443)]
    [InlineData("127.0.0.1:1", "127.0.0.1", 1)]
    public void TryParseAuthority_ConnectTargets_Parsed(string authority, string host, int port)
    {
        Assert.True(ProxyTarget.TryParseAuthority(authority, 0, out string parsedHost, out int parsedPort));
        Assert.Equal(host, parsedHost);
        Assert.Equal(port, parsedPort);
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("[::1]")]
    [InlineData("[::1:443")]
    [InlineData("example.com:")]
    public void TryParseAuthority_ConnectTargetWithoutPort_Rejected(string authority) =>
        Assert.False(ProxyTarget.TryParseAuthority(authority, 0, out _, out _));
}
