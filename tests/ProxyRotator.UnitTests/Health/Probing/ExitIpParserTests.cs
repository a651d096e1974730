using ProxyRotator.Health.Probing;

namespace ProxyRotator.UnitTests.Health.Probing;

public class ExitIpParserTests
{
    [Theory]
    [InlineData("203.0.113.9", "203.0.113.9")]
    [InlineData("  127.0.1.5\n", "127.0.1.5")]
    [InlineData("{\"ip\":\"198.51.100.7\"}", "198.51.100.7")]
    [InlineData("{ \"IP\" : \"2001:db8::1\", \"country\": \"DE\" }", "2001:db8::1")]
    [InlineData("::ffff:10.1.2.3", "10.1.2.3")]
    public void TryParse_EchoBody_ReturnsAddress(string body, string expected)
    {
        Assert.True(ExitIpParser.TryParse(body, out string? ip));
        Assert.Equal(expected, ip);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html>blocked</html>")]
    [InlineData("1")]
    [InlineData("10.1")]
    [InlineData("{\"ip\":42}")]
    [InlineData("{\"origin\":\"1.2.3.4\"}")]
    [InlineData("{not json")]
    [InlineData("1.2.3.4 5.6.7.8")]
    public void TryParse_NotAnEcho_False(string body)
    {
        Assert.False(ExitIpParser.TryParse(body, out string? ip));
        Assert.Null(ip);
    }
}
