using System.Net;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Accounts;

/// <summary>
/// Accounts changed through the admin API take effect with the next request, for HTTP, CONNECT and SOCKS5 alike,
/// without a restart: an added account works, a disabled one is refused, a rotated password replaces the old one,
/// and an allow-listed client address needs no password.
/// </summary>
public sealed class AccountLifecycleTests(AccountLifecycleTests.Fixture fixture) : IClassFixture<AccountLifecycleTests.Fixture>
{
    public sealed class Fixture : ProductWithWorld
    {
        protected override byte Subnet => 61;

        protected override int UpstreamCount => 4;
    }

    private IPEndPoint Gateway => fixture.Product.GatewayEndpoint;

    private Uri Origin => fixture.World.Origin.HttpUrl;

    [Fact]
    public async Task AddAccount_ThroughApi_WorksAtOnceForHttpConnectAndSocks5()
    {
        await AccountClients.AddAccountAsync(fixture.Product, new AddAccountRequest("added1", "added-pass-1"));

        Assert.Equal("HTTP/1.1 200 OK", (await AccountClients.HttpGetAsync(Gateway, "added1", "added-pass-1", fixture.OriginUrl("ip"))).StatusLine);
        await AssertTunnelsWorkAsync("added1", "added-pass-1");
    }

    [Fact]
    public async Task DisableAccount_ThroughApi_RefusedAtOnceForHttpConnectAndSocks5()
    {
        await AccountClients.AddAccountAsync(fixture.Product, new AddAccountRequest("disabled1", "disabled-pass-1"));
        await AssertTunnelsWorkAsync("disabled1", "disabled-pass-1"); // its verdict is now cached: disabling must still win

        await AccountClients.UpdateAccountAsync(fixture.Product, "disabled1", new UpdateAccountRequest(Enabled: false));

        Assert.StartsWith("HTTP/1.1 407", (await AccountClients.HttpGetAsync(Gateway, "disabled1", "disabled-pass-1", fixture.OriginUrl("ip"))).StatusLine);
        (string head, _, _) = await AccountClients.ConnectAsync(Gateway, "disabled1", "disabled-pass-1", Origin);
        Assert.StartsWith("HTTP/1.1 407", head);
        Assert.Equal(0xFF, (await AccountClients.Socks5Async(Gateway, "disabled1", "disabled-pass-1", Origin)).Reply);

        await AccountClients.UpdateAccountAsync(fixture.Product, "disabled1", new UpdateAccountRequest(Enabled: true));
        await AssertTunnelsWorkAsync("disabled1", "disabled-pass-1");
    }

    [Fact]
    public async Task RotatePassword_ThroughApi_OldPasswordRefusedNewOneWorksAtOnce()
    {
        await AccountClients.AddAccountAsync(fixture.Product, new AddAccountRequest("rotated1", "old-pass-1"));
        Assert.Equal("HTTP/1.1 200 OK", (await AccountClients.HttpGetAsync(Gateway, "rotated1", "old-pass-1", fixture.OriginUrl("ip"))).StatusLine);

        using HttpClient admin = AccountClients.Admin(fixture.Product);
        using HttpResponseMessage response = await admin.PostAsync("/api/accounts/rotated1/password", System.Net.Http.Json.JsonContent.Create(new AccountPasswordRequest()));
        AccountSecretDto changed = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<AccountSecretDto>(response.Content, AccountClients.Json))!;

        Assert.NotNull(changed.Password);
        Assert.StartsWith("HTTP/1.1 407", (await AccountClients.HttpGetAsync(Gateway, "rotated1", "old-pass-1", fixture.OriginUrl("ip"))).StatusLine);
        Assert.Equal("HTTP/1.1 200 OK", (await AccountClients.HttpGetAsync(Gateway, "rotated1", changed.Password!, fixture.OriginUrl("ip"))).StatusLine);
    }

    [Fact]
    public async Task DeleteAccount_ThroughApi_RefusedAtOnce()
    {
        await AccountClients.AddAccountAsync(fixture.Product, new AddAccountRequest("deleted1", "deleted-pass-1"));
        Assert.Equal("HTTP/1.1 200 OK", (await AccountClients.HttpGetAsync(Gateway, "deleted1", "deleted-pass-1", fixture.OriginUrl("ip"))).StatusLine);

        using HttpClient admin = AccountClients.Admin(fixture.Product);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/accounts/deleted1")).StatusCode);

        Assert.StartsWith("HTTP/1.1 407", (await AccountClients.HttpGetAsync(Gateway, "deleted1", "deleted-pass-1", fixture.OriginUrl("ip"))).StatusLine);
    }

    [Fact]
    public async Task AllowListedAddress_WithoutPassword_IsAdmittedAsItsAccount()
    {
        // curl binds its connection to 127.61.9.9: only that client address is on the account's allow-list.
        await AccountClients.AddAccountAsync(fixture.Product, new AddAccountRequest("bound1", AllowedAddresses: ["127.61.9.9/32"]));
        string proxy = $"http://{Gateway.Address}:{Gateway.Port}";

        CurlResult bound = await Curl.RunAsync(["-sS", "-f", "--interface", "127.61.9.9", "-x", proxy, fixture.OriginUrl("ip")]);
        CurlResult other = await Curl.RunAsync(["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--interface", "127.61.9.10", "-x", proxy, fixture.OriginUrl("ip")]);
        CurlResult socks = await Curl.RunAsync(["-sS", "-f", "--interface", "127.61.9.9", "--socks5", $"{Gateway.Address}:{Gateway.Port}", "--proxy-user", "bound1-country-us:any", fixture.OriginUrl("ip")]);

        Assert.True(bound.ExitCode == 0, bound.Error);
        Assert.Equal("407", other.Output);
        Assert.True(socks.ExitCode == 0, socks.Error);
    }

    [Fact]
    public async Task AddAccount_BadInput_Answers400NamingTheField()
    {
        using HttpClient admin = AccountClients.Admin(fixture.Product);
        using HttpResponseMessage badName = await admin.PostAsync("/api/accounts", System.Net.Http.Json.JsonContent.Create(new AddAccountRequest("bad-name", "x")));
        using HttpResponseMessage badLimit = await admin.PostAsync("/api/accounts", System.Net.Http.Json.JsonContent.Create(
            new AddAccountRequest("badlimit", "x", Limits: new AccountLimitsDto(MaxConcurrent: 0))));
        using HttpResponseMessage badPool = await admin.PostAsync("/api/accounts", System.Net.Http.Json.JsonContent.Create(new AddAccountRequest("badpool", "x", Pools: ["nope"])));

        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        Assert.Contains("name", await badName.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Contains("maxConcurrent", await badLimit.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, badPool.StatusCode);
        Assert.Contains("unknown pool", await badPool.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ListAccounts_NeverShowsPasswordOrHash()
    {
        await AccountClients.AddAccountAsync(fixture.Product, new AddAccountRequest("listed1", "listed-secret-1"));
        using HttpClient admin = AccountClients.Admin(fixture.Product);

        string json = await admin.GetStringAsync("/api/accounts");

        Assert.Contains("\"listed1\"", json);
        Assert.DoesNotContain("listed-secret-1", json);
        Assert.DoesNotContain("pbkdf2", json);
        Assert.Contains("\"scraper\"", json); // the configured user is synced into the store
    }

    private async Task AssertTunnelsWorkAsync(string user, string password)
    {
        (string head, System.Net.Sockets.TcpClient? connect, CountingStream? connectStream) = await AccountClients.ConnectAsync(Gateway, user, password, Origin);
        using (connect)
        {
            Assert.StartsWith("HTTP/1.1 200", head);
            Assert.True(await AccountClients.GetThroughTunnelAsync(connectStream!, Origin, "ip") > 0);
        }

        (byte reply, System.Net.Sockets.TcpClient? socks, CountingStream? socksStream) = await AccountClients.Socks5Async(Gateway, user, password, Origin);
        using (socks)
        {
            Assert.Equal(0, reply);
            Assert.True(await AccountClients.GetThroughTunnelAsync(socksStream!, Origin, "ip") > 0);
        }
    }
}
