using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Gateway.Policy;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Policy;

/// <summary>
/// Ban avoidance per target site (issue 13 §5) through real sockets: the simulated origin bans one exit for one site
/// (it answers that exit's requests for <c>localhost</c> with a 403 captcha page and serves <c>127.0.0.1</c> — another
/// site — as usual); the gateway recognises the ban in a forwarded response, and a client reports one seen inside a
/// tunnel through the API or a <c>-banned-…</c> username flag. Later picks for the site avoid the exit while other sites
/// still use it.
/// </summary>
public sealed partial class SiteBanTests(SiteBanTests.Fixture fixture) : IClassFixture<SiteBanTests.Fixture>, IAsyncLifetime
{
    private const string BannedSite = "localhost";

    public sealed class Fixture : ProductWithWorld
    {
        protected override int UpstreamCount => 4;

        protected override byte Subnet => 62;
    }

    private int HttpPort => fixture.World.Origin.HttpUrl.Port;

    private int HttpsPort => fixture.World.Origin.HttpsUrl.Port;

    private SiteBanList Bans => fixture.Product.Services.GetRequiredService<SiteBanList>();

    public Task InitializeAsync()
    {
        // Tests in a class run one after another: each starts with no bans anywhere.
        fixture.World.Origin.ClearBans();
        Bans.Lift(BannedSite);
        Bans.Lift("127.0.0.1");
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task OriginBansOneExit_AbsoluteForm_LaterPicksForThatSiteAvoidItWhileOtherSitesStillUseIt()
    {
        string banned = fixture.World.Upstreams[1].ExitAddress.ToString();
        fixture.World.Origin.Ban(BannedSite, fixture.World.Upstreams[1].ExitAddress);
        string proxy = fixture.Product.ProxyUrl(TestConfigs.User);

        // Rotation spreads picks evenly: the banned exit is reached within a few requests, and its captcha page is seen.
        int captchas = 0;
        for (int i = 0; i < 24 && captchas == 0; i++)
        {
            CurlResult result = await Curl.RunAsync(["-s", "-o", "-", "-w", "\n%{http_code}", "-x", proxy, $"http://{BannedSite}:{HttpPort}/ip"]);
            captchas += result.Output.EndsWith("403", StringComparison.Ordinal) && result.Output.Contains("CAPTCHA", StringComparison.Ordinal) ? 1 : 0;
        }

        Assert.Equal(1, captchas);
        List<string> after = await ExitsAsync(proxy, $"http://{BannedSite}:{HttpPort}/ip", 16);
        List<string> otherSite = await ExitsAsync(proxy, $"http://127.0.0.1:{HttpPort}/ip", 16);

        Assert.DoesNotContain(banned, after);
        Assert.Equal(3, after.Distinct().Count());
        Assert.Contains(banned, otherSite);
        JsonElement ban = Assert.Single(await ListBansAsync(), b => b.GetProperty("site").GetString() == BannedSite);
        Assert.True(ban.GetProperty("active").GetBoolean());
        Assert.Equal("detected", ban.GetProperty("source").GetString());
    }

    [Fact]
    public async Task TunnelBan_ReportedWithUsernameFlag_Connect_LaterPicksAvoidTheExit()
    {
        string proxy = fixture.Product.ProxyUrl(TestConfigs.User);
        CurlResult first = await Curl.RunAsync(["-f", "-s", "-k", "-v", "-x", proxy, $"https://{BannedSite}:{HttpsPort}/ip"]);
        Assert.True(first.ExitCode == 0, first.Error);
        string exit = first.Output.Trim();
        string upstreamId = UpstreamHeader().Match(first.Error).Groups[1].Value;
        Assert.NotEmpty(upstreamId);

        // The client saw a captcha inside the tunnel: it says so on its next request to the site.
        CurlResult report = await Curl.RunAsync(["-f", "-s", "-k", "-x", fixture.Product.ProxyUrl($"{TestConfigs.User}-banned-{upstreamId}"),
            $"https://{BannedSite}:{HttpsPort}/ip"]);
        List<string> after = await ExitsAsync(proxy, $"https://{BannedSite}:{HttpsPort}/ip", 12, "-k");

        Assert.True(report.ExitCode == 0, report.Error);
        Assert.NotEqual(exit, report.Output.Trim());
        Assert.DoesNotContain(exit, after);
        JsonElement ban = Assert.Single(await ListBansAsync(), b => b.GetProperty("site").GetString() == BannedSite);
        Assert.Equal("username", ban.GetProperty("source").GetString());
    }

    [Fact]
    public async Task TunnelBan_ReportedThroughApi_Socks5_LaterPicksAvoidTheExitWhileOtherSitesStillUseIt()
    {
        string banned = fixture.World.Upstreams[2].ExitAddress.ToString();
        using HttpClient admin = AdminClient();

        // A ban named by exit IP matches upstreams whose exit IP the health check has learned: check them all now.
        (await admin.PostAsync("/api/checks", null)).EnsureSuccessStatusCode();
        HttpResponseMessage response = await admin.PostAsJsonAsync("/api/bans", new { site = $"https://{BannedSite}/login", exitIp = banned });
        string socks = fixture.Product.ProxyUrl(TestConfigs.User, scheme: "socks5h");
        List<string> after = await ExitsAsync(socks, $"http://{BannedSite}:{HttpPort}/ip", 12);
        List<string> otherSite = await ExitsAsync(socks, $"http://127.0.0.1:{HttpPort}/ip", 16);

        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        Assert.DoesNotContain(banned, after);
        Assert.Contains(banned, otherSite);
        JsonElement ban = Assert.Single(await ListBansAsync(), b => b.GetProperty("site").GetString() == BannedSite);
        Assert.Equal("api", ban.GetProperty("source").GetString());
        Assert.Equal(banned, ban.GetProperty("exitIp").GetString());
    }

    [Fact]
    public async Task TunnelBan_ReportedForTheSession_FlexSessionMovesToAnotherExit()
    {
        string session = fixture.Product.ProxyUrl($"{TestConfigs.User}-session-banflag1");
        CurlResult bound = await Curl.RunAsync(["-f", "-s", "-k", "-x", session, $"https://{BannedSite}:{HttpsPort}/ip"]);
        Assert.True(bound.ExitCode == 0, bound.Error);

        CurlResult report = await Curl.RunAsync(["-f", "-s", "-k", "-x", fixture.Product.ProxyUrl($"{TestConfigs.User}-session-banflag1-banned-session"),
            $"https://{BannedSite}:{HttpsPort}/ip"]);
        CurlResult next = await Curl.RunAsync(["-f", "-s", "-k", "-x", session, $"https://{BannedSite}:{HttpsPort}/ip"]);

        Assert.True(report.ExitCode == 0, report.Error);
        Assert.NotEqual(bound.Output.Trim(), report.Output.Trim());
        Assert.Equal(report.Output.Trim(), next.Output.Trim());
    }

    private async Task<List<string>> ExitsAsync(string proxy, string url, int count, string? extra = null)
    {
        var exits = new List<string>();
        for (int i = 0; i < count; i++)
        {
            List<string> arguments = ["-f", "-s", "-x", proxy, url];
            if (extra is not null)
            {
                arguments.Insert(0, extra);
            }

            CurlResult result = await Curl.RunAsync(arguments);
            Assert.True(result.ExitCode == 0, $"request {i} to {url}: {result.Error}");
            exits.Add(result.Output.Trim());
        }

        return exits;
    }

    private HttpClient AdminClient()
    {
        var client = new HttpClient { BaseAddress = fixture.Product.AdminUri };
        client.DefaultRequestHeaders.Add("X-Api-Key", fixture.Product.Config.Admin.ApiKey);
        return client;
    }

    private async Task<JsonElement[]> ListBansAsync()
    {
        using HttpClient admin = AdminClient();
        JsonElement list = await admin.GetFromJsonAsync<JsonElement>("/api/bans");
        return [.. list.GetProperty("items").EnumerateArray()];
    }

    [GeneratedRegex(@"X-ProxyRotator-Upstream: (\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex UpstreamHeader();
}
