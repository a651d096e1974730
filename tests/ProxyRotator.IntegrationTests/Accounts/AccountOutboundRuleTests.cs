using System.Net;
using System.Net.Http.Json;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Accounts;

/// <summary>
/// Outbound rules and the exclusive-exits default carried on store accounts (issue 13 §1 joined with §4/§6): set
/// through <c>/api/accounts</c>, they take effect with the next request for HTTP, CONNECT and SOCKS5 alike, and bad
/// rules are refused with 400 naming the rule.
/// </summary>
public sealed class AccountOutboundRuleTests(AccountOutboundRuleTests.Fixture fixture) : IClassFixture<AccountOutboundRuleTests.Fixture>
{
    public sealed class Fixture : ProductWithWorld
    {
        protected override byte Subnet => 64;

        protected override int UpstreamCount => 4;
    }

    private IPEndPoint Gateway => fixture.Product.GatewayEndpoint;

    private Uri Origin => fixture.World.Origin.HttpUrl;

    [Fact]
    public async Task DenyRule_SetThroughApi_RefusesAtOnceForHttpConnectAndSocks5WhileOtherAccountIsServed()
    {
        await AccountClients.AddAccountAsync(fixture.Product, new AddAccountRequest("ruled1", "ruled-pass-1"));
        await AccountClients.AddAccountAsync(fixture.Product, new AddAccountRequest("free1", "free-pass-1"));
        Assert.Equal("HTTP/1.1 200 OK", (await AccountClients.HttpGetAsync(Gateway, "ruled1", "ruled-pass-1", fixture.OriginUrl("ip"))).StatusLine);

        AccountDto updated = await AccountClients.UpdateAccountAsync(fixture.Product, "ruled1", new UpdateAccountRequest(OutboundDeny: [Origin.Host]));

        Assert.Equal([$"{Origin.Host}/32"], updated.OutboundDeny); // canonical form
        CurlResult http = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl("ruled1", "ruled-pass-1"), "-D", "-", fixture.OriginUrl("ip")]);
        Assert.StartsWith("HTTP/1.1 403", http.Output);
        Assert.Contains("X-ProxyRotator-Error: target-forbidden", http.Output);
        Assert.Contains($"account's outbound rule 'deny:{Origin.Host}/32'", http.Output);
        (string connect, _, _) = await AccountClients.ConnectAsync(Gateway, "ruled1", "ruled-pass-1", Origin);
        Assert.StartsWith("HTTP/1.1 403", connect);
        Assert.Contains("X-ProxyRotator-Error: target-forbidden", connect);
        Assert.Equal(0x02, (await AccountClients.Socks5Async(Gateway, "ruled1", "ruled-pass-1", Origin)).Reply);

        Assert.Equal("HTTP/1.1 200 OK", (await AccountClients.HttpGetAsync(Gateway, "free1", "free-pass-1", fixture.OriginUrl("ip"))).StatusLine);
        (byte reply, System.Net.Sockets.TcpClient? socks, _) = await AccountClients.Socks5Async(Gateway, "free1", "free-pass-1", Origin);
        using (socks)
        {
            Assert.Equal(0, reply);
        }

        await AccountClients.UpdateAccountAsync(fixture.Product, "ruled1", new UpdateAccountRequest(OutboundDeny: []));
        Assert.Equal("HTTP/1.1 200 OK", (await AccountClients.HttpGetAsync(Gateway, "ruled1", "ruled-pass-1", fixture.OriginUrl("ip"))).StatusLine);
    }

    [Fact]
    public async Task AddAccount_BadOutboundRule_Answers400NamingTheRule()
    {
        using HttpClient admin = AccountClients.Admin(fixture.Product);
        using HttpResponseMessage response = await admin.PostAsync("/api/accounts", JsonContent.Create(
            new AddAccountRequest("badrule1", "x", OutboundAllow: ["port:99999"])));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        string body = await response.Content.ReadAsStringAsync();
        Assert.Contains("outbound", body);
        Assert.Contains("port:99999", body);
    }

    [Fact]
    public async Task ExclusiveExitsDefault_SetThroughApi_ShownOnTheAccount()
    {
        await AccountClients.AddAccountAsync(fixture.Product, new AddAccountRequest("exclusive1", "exclusive-pass-1", ExclusiveExits: true));
        using HttpClient admin = AccountClients.Admin(fixture.Product);

        AccountDto account = (await admin.GetFromJsonAsync<AccountDto>("/api/accounts/exclusive1", AccountClients.Json))!;

        Assert.True(account.ExclusiveExits);
    }

    [Fact]
    public async Task ExclusiveExitsDefault_SetThroughApi_KeepsAnotherAccountOffTheExitWithoutUsernameFlag()
    {
        await AccountClients.AddAccountAsync(fixture.Product, new AddAccountRequest("holder1", "holder-pass-1"));
        await AccountClients.AddAccountAsync(fixture.Product, new AddAccountRequest("neighbour1", "neighbour-pass-1"));
        await AccountClients.UpdateAccountAsync(fixture.Product, "holder1", new UpdateAccountRequest(ExclusiveExits: true));
        string site = $"http://localhost:{Origin.Port}/ip";
        string otherSite = fixture.OriginUrl("ip");

        // No -exclusive-on in the username: the account's default asks for it.
        string exit = await ExitAsync(fixture.Product.ProxyUrl("holder1-session-hold1", "holder-pass-1"), site);

        // The neighbour targets the held exit's type, which only that exit has in this world (types cycle over four
        // upstreams): without the reservation every such pick would land on it, so the refusal cannot be luck.
        string onlyTheHeldExit = "neighbour1-type-" + fixture.ByExit(exit).Type.ToString().ToLowerInvariant();
        Assert.Single(fixture.World.Upstreams, u => u.Type == fixture.ByExit(exit).Type);
        CurlResult refused = await Curl.RunAsync(["-s", "-x", fixture.Product.ProxyUrl(onlyTheHeldExit, "neighbour-pass-1"), "-D", "-", "-o", "/dev/null", site]);
        Assert.StartsWith("HTTP/1.1 503", refused.Output);
        Assert.Contains("X-ProxyRotator-Error: no-upstream", refused.Output);

        // The same exit still serves the neighbour for another site, and the holder keeps it.
        Assert.Equal(exit, await ExitAsync(fixture.Product.ProxyUrl(onlyTheHeldExit, "neighbour-pass-1"), otherSite));
        Assert.NotEqual(exit, await ExitAsync(fixture.Product.ProxyUrl("neighbour1", "neighbour-pass-1"), site));
        Assert.Equal(exit, await ExitAsync(fixture.Product.ProxyUrl("holder1-session-hold1", "holder-pass-1"), site));
    }

    private static async Task<string> ExitAsync(string proxy, string url)
    {
        CurlResult result = await Curl.RunAsync(["-f", "-s", "-x", proxy, url]);
        Assert.True(result.ExitCode == 0, $"{url}: {result.Error}");
        return result.Output.Trim();
    }
}
