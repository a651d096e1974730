using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Gateway.Policy;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Policy;

/// <summary>
/// Exclusive exits (issue 13 §6) through real sockets: an exit that served an exclusive account for a site serves no
/// other account for that site within the window, whichever protocol either uses, while it still serves other sites.
/// </summary>
public sealed class ExclusiveExitTests(ExclusiveExitTests.Fixture fixture) : IClassFixture<ExclusiveExitTests.Fixture>
{
    private const string Other = "customer2";

    public sealed class Fixture : ProductWithWorld
    {
        protected override int UpstreamCount => 4;

        protected override byte Subnet => 63;

        protected override void Configure(ProxyRotatorConfig config)
        {
            config.Users.Add(new UserOptions { Name = Other, Password = TestConfigs.Password });
        }
    }

    private int HttpPort => fixture.World.Origin.HttpUrl.Port;

    private int HttpsPort => fixture.World.Origin.HttpsUrl.Port;

    [Fact]
    public async Task ExclusiveRequest_ConnectThenHttpAndSocks5_KeepsTheOtherAccountOffTheExitForThatSite()
    {
        // Account one holds an exit for "localhost" through CONNECT with a sticky session and exclusive mode.
        CurlResult held = await Curl.RunAsync(["-f", "-s", "-k", "-x", fixture.Product.ProxyUrl($"{TestConfigs.User}-session-excl1-exclusive-on"),
            $"https://localhost:{HttpsPort}/ip"]);
        Assert.True(held.ExitCode == 0, held.Error);
        string exit = held.Output.Trim();

        // Account two (not exclusive itself) targets the held exit's type, which only that exit has in this world (types
        // cycle over four upstreams): without the reservation every such pick would land on it, so the refusals through
        // HTTP and SOCKS5 cannot be luck...
        UpstreamType heldType = fixture.ByExit(exit).Type;
        Assert.Single(fixture.World.Upstreams, u => u.Type == heldType);
        string onlyTheHeldExit = Other + "-type-" + heldType.ToString().ToLowerInvariant();
        CurlResult http = await Curl.RunAsync(["-s", "-x", fixture.Product.ProxyUrl(onlyTheHeldExit, TestConfigs.Password), "-D", "-", "-o", "/dev/null",
            $"http://localhost:{HttpPort}/ip"]);
        Assert.StartsWith("HTTP/1.1 503", http.Output);
        Assert.Contains("X-ProxyRotator-Error: no-upstream", http.Output);
        CurlResult socks = await Curl.RunAsync(["-s", "-x", fixture.Product.ProxyUrl(onlyTheHeldExit, TestConfigs.Password, scheme: "socks5h"),
            $"http://localhost:{HttpPort}/ip"]);
        Assert.NotEqual(0, socks.ExitCode);
        Assert.Equal(string.Empty, socks.Output);

        // ...and any other pick for the site passes it over...
        string otherExit = await ExitAsync(fixture.Product.ProxyUrl(Other, TestConfigs.Password, scheme: "socks5h"), $"http://localhost:{HttpPort}/ip");

        // ...but the exit does serve account two for another site, and account one keeps it.
        string otherSite = await ExitAsync(fixture.Product.ProxyUrl(onlyTheHeldExit, TestConfigs.Password), $"http://127.0.0.1:{HttpPort}/ip");
        string again = await ExitAsync(fixture.Product.ProxyUrl($"{TestConfigs.User}-session-excl1-exclusive-on"), $"https://localhost:{HttpsPort}/ip", "-k");

        Assert.NotEqual(exit, otherExit);
        Assert.Equal(exit, otherSite);
        Assert.Equal(exit, again);
        Assert.True(fixture.Product.Services.GetRequiredService<ExclusiveExitLedger>().AvoidedTotal > 0);
    }

    private static async Task<string> ExitAsync(string proxy, string url, string? extra = null)
    {
        List<string> arguments = ["-f", "-s", "-x", proxy, url];
        if (extra is not null)
        {
            arguments.Insert(0, extra);
        }

        CurlResult result = await Curl.RunAsync(arguments);
        Assert.True(result.ExitCode == 0, $"{url}: {result.Error}");
        return result.Output.Trim();
    }
}
