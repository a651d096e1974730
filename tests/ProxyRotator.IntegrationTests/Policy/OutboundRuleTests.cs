using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Policy;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Policy;

/// <summary>
/// Outbound rules (issue 13 §4) through real sockets: a global deny rule and an account's port and address rules
/// refuse with 403 <c>target-forbidden</c> naming the rule (SOCKS5 0x02), for HTTP, CONNECT and SOCKS5 alike.
/// </summary>
public sealed class OutboundRuleTests(OutboundRuleTests.Fixture fixture) : IClassFixture<OutboundRuleTests.Fixture>
{
    private const string WebOnly = "webonly";
    private const string NoLoopback = "noloop";

    public sealed class Fixture : ProductWithWorld
    {
        protected override int UpstreamCount => 4;

        protected override byte Subnet => 61;

        protected override void Configure(ProxyRotatorConfig config)
        {
            config.Policy.Outbound = OutboundRules.Parse(allow: null, deny: ["blocked.example", "*.evil.test"]);
            config.Users.Add(new UserOptions { Name = WebOnly, Password = TestConfigs.Password, Outbound = OutboundRules.Parse(["port:80", "port:443"], null) });
            config.Users.Add(new UserOptions { Name = NoLoopback, Password = TestConfigs.Password, Outbound = OutboundRules.Parse(null, ["127.0.0.0/8"]) });
        }
    }

    [Fact]
    public async Task GlobalDenyRule_AbsoluteForm_RefusesNamingTheRule()
    {
        CurlResult result = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User), "-D", "-", "http://www.blocked.example/"]);

        Assert.StartsWith("HTTP/1.1 403", result.Output);
        Assert.Contains("X-ProxyRotator-Error: target-forbidden", result.Output);
        Assert.Contains("global outbound rule 'deny:blocked.example'", result.Output);
    }

    [Fact]
    public async Task GlobalDenyRule_Connect_RefusesNamingTheRule()
    {
        string answer = await GatewayRawClient.ExchangeAsync(fixture.Product.GatewayEndpoint,
            "CONNECT shop.evil.test:443 HTTP/1.1\r\nHost: shop.evil.test:443\r\n"
            + $"Proxy-Authorization: {GatewayRawClient.Basic(TestConfigs.User, TestConfigs.Password)}\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 403", answer);
        Assert.Contains("X-ProxyRotator-Error: target-forbidden", answer);
        Assert.Contains("'deny:*.evil.test'", answer);
    }

    [Fact]
    public async Task GlobalDenyRule_Socks5_RepliesNotAllowed()
    {
        byte reply = await GatewayRawClient.Socks5ConnectDomainAsync(fixture.Product.GatewayEndpoint, TestConfigs.User, TestConfigs.Password, "blocked.example", 80);

        Assert.Equal(0x02, reply);
    }

    [Fact]
    public async Task GlobalDenyRule_OtherTargets_AreServed()
    {
        CurlResult result = await Curl.RunAsync(["-f", "-x", fixture.Product.ProxyUrl(TestConfigs.User), fixture.OriginUrl("ip")]);

        Assert.True(result.ExitCode == 0, result.Error);
    }

    [Fact]
    public async Task AccountPortRule_PortNotAllowed_RefusedForEveryProtocolWhileOtherAccountsAreServed()
    {
        Uri origin = new(fixture.OriginUrl("ip"));
        CurlResult http = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(WebOnly, TestConfigs.Password), "-D", "-", origin.ToString()]);
        string connect = await GatewayRawClient.ExchangeAsync(fixture.Product.GatewayEndpoint,
            $"CONNECT {origin.Authority} HTTP/1.1\r\nHost: {origin.Authority}\r\nProxy-Authorization: {GatewayRawClient.Basic(WebOnly, TestConfigs.Password)}\r\n\r\n");
        byte socks = await GatewayRawClient.Socks5ConnectDomainAsync(fixture.Product.GatewayEndpoint, WebOnly, TestConfigs.Password, "localhost", origin.Port);
        CurlResult other = await Curl.RunAsync(["-f", "-x", fixture.Product.ProxyUrl(TestConfigs.User), origin.ToString()]);

        Assert.StartsWith("HTTP/1.1 403", http.Output);
        Assert.Contains("X-ProxyRotator-Error: target-forbidden", http.Output);
        Assert.Contains($"account's outbound rules: no allow rule matches port {origin.Port}", http.Output);
        Assert.StartsWith("HTTP/1.1 403", connect);
        Assert.Contains("X-ProxyRotator-Error: target-forbidden", connect);
        Assert.Equal(0x02, socks);
        Assert.True(other.ExitCode == 0, other.Error);
    }

    [Fact]
    public async Task AccountPortRule_AllowedPort_PassesTheRules()
    {
        // Nothing listens on port 80 here: the request passes the rules and fails only at the target.
        CurlResult result = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(WebOnly, TestConfigs.Password), "-D", "-", "http://127.0.0.1:80/"]);

        Assert.DoesNotContain("target-forbidden", result.Output);
        Assert.Contains("X-ProxyRotator-Error:", result.Output);
    }

    [Fact]
    public async Task AccountAddressRule_NameTheGatewayResolves_RefusedByItsAddress()
    {
        // The simulated upstreams are local, so the gateway resolves "localhost" itself and judges the address.
        CurlResult byName = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(NoLoopback, TestConfigs.Password), "-D", "-",
            $"http://localhost:{new Uri(fixture.OriginUrl()).Port}/"]);
        CurlResult byAddress = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(NoLoopback, TestConfigs.Password), "-D", "-", fixture.OriginUrl("ip")]);

        Assert.StartsWith("HTTP/1.1 403", byName.Output);
        Assert.Contains("X-ProxyRotator-Error: target-forbidden", byName.Output);
        Assert.Contains("'deny:127.0.0.0/8'", byName.Output);
        Assert.StartsWith("HTTP/1.1 403", byAddress.Output);
        Assert.Contains("'deny:127.0.0.0/8'", byAddress.Output);
    }
}
