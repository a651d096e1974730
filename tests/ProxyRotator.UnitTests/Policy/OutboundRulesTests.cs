using System.Net;
using ProxyRotator.Core.Policy;

namespace ProxyRotator.UnitTests.Policy;

public sealed class OutboundRulesTests
{
    [Theory]
    [InlineData("example.com", 443, "deny:example.com")]
    [InlineData("www.example.com", 443, "deny:example.com")]
    [InlineData("WWW.Example.COM.", 80, "deny:example.com")]
    [InlineData("notexample.com", 443, null)]
    [InlineData("example.com.evil.org", 443, null)]
    [InlineData("a.ads.test", 80, "deny:*.ads.test")]
    [InlineData("ads.test", 80, null)]
    [InlineData("tracker7.metrics.io", 80, "deny:tracker*.metrics.*")]
    [InlineData("metrics.io", 80, null)]
    [InlineData("mail.example.org", 25, "deny:port:25")]
    [InlineData("10.1.2.3", 80, "deny:10.0.0.0/8")]
    [InlineData("11.1.2.3", 80, null)]
    public void Evaluate_DenyRules_RefuseNamingTheRule(string host, int port, string? expected)
    {
        OutboundRules rules = OutboundRules.Parse(null, ["example.com", "*.ads.test", "tracker*.metrics.*", "port:25", "10.0.0.0/8"]);

        Assert.Equal(expected, rules.Evaluate(host, port));
    }

    [Theory]
    [InlineData("shop.example.com", 443, null)]
    [InlineData("shop.example.com", 8080, "allow:port")]
    [InlineData("other.org", 443, "allow")]
    [InlineData("203.0.113.9", 80, null)]
    [InlineData("198.51.100.1", 80, "allow")]
    public void Evaluate_AllowRules_TargetAndPortMustEachMatch(string host, int port, string? expected)
    {
        OutboundRules rules = OutboundRules.Parse(["example.com", "203.0.113.0/24", "port:80", "port:443"], null);

        Assert.Equal(expected, rules.Evaluate(host, port));
    }

    [Fact]
    public void Evaluate_OnlyPortAllowRules_AnyHostOnThosePorts()
    {
        OutboundRules rules = OutboundRules.Parse(["port:80", "port:443"], null);

        Assert.Null(rules.Evaluate("anything.example", 443));
        Assert.Equal("allow:port", rules.Evaluate("anything.example", 8443));
    }

    [Fact]
    public void Evaluate_DenyAndAllowBothMatch_DenyWins()
    {
        OutboundRules rules = OutboundRules.Parse(["example.com"], ["secret.example.com"]);

        Assert.Null(rules.Evaluate("www.example.com", 443));
        Assert.Equal("deny:secret.example.com", rules.Evaluate("api.secret.example.com", 443));
    }

    [Fact]
    public void Evaluate_PortRange_MatchesInclusive()
    {
        OutboundRules rules = OutboundRules.Parse(null, ["port:8000-8999"]);

        Assert.Equal("deny:port:8000-8999", rules.Evaluate("example.com", 8000));
        Assert.Equal("deny:port:8000-8999", rules.Evaluate("example.com", 8999));
        Assert.Null(rules.Evaluate("example.com", 9000));
    }

    [Fact]
    public void Evaluate_Ipv6AndMappedAddresses_MatchTheirNetworks()
    {
        OutboundRules rules = OutboundRules.Parse(null, ["2001:db8::/32", "192.0.2.0/24"]);

        Assert.Equal("deny:2001:db8::/32", rules.Evaluate("2001:db8::1", 443));
        Assert.Equal("deny:192.0.2.0/24", rules.Evaluate("::ffff:192.0.2.7", 443));
    }

    [Fact]
    public void EvaluateResolved_DenyNetwork_RefusesTheAddressOfAnAllowedName()
    {
        OutboundRules rules = OutboundRules.Parse(null, ["127.0.0.0/8"]);

        Assert.Null(rules.Evaluate("localhost", 80));
        Assert.Equal("deny:127.0.0.0/8", rules.EvaluateResolved(IPAddress.Loopback));
        Assert.Null(rules.EvaluateResolved(IPAddress.Parse("203.0.113.5")));
    }

    [Fact]
    public void EvaluateResolved_NameAllowedByNameRule_AnyAddressPasses()
    {
        OutboundRules rules = OutboundRules.Parse(["example.com", "203.0.113.0/24"], null);

        Assert.Null(rules.EvaluateResolved(IPAddress.Parse("198.51.100.1")));
    }

    [Theory]
    [InlineData("port:0")]
    [InlineData("port:70000")]
    [InlineData("port:90-80")]
    [InlineData("10.0.0.0/99")]
    [InlineData("exa mple.com")]
    [InlineData("")]
    public void TryParse_BadRule_FailsNamingIt(string rule)
    {
        bool parsed = OutboundRules.TryParse(null, [rule], out _, out string? error);

        Assert.False(parsed);
        Assert.Contains($"deny rule '{rule}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NoRules_AllowsEverything()
    {
        Assert.True(OutboundRules.None.IsEmpty);
        Assert.Null(OutboundRules.None.Evaluate("anything", 1));
        Assert.Same(OutboundRules.None, OutboundRules.Parse([], []));
    }

    [Fact]
    public void Evaluate_CompiledRules_DoNotAllocate()
    {
        OutboundRules rules = OutboundRules.Parse(["port:443"], ["blocked.example", "*.ads.test", "track*.example", "10.0.0.0/8"]);
        rules.Evaluate("www.shop.example.org", 443);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            rules.Evaluate("www.shop.example.org", 443);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
