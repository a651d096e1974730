using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Simulation.Backconnect;

namespace ProxyRotator.IntegrationTests.Backconnect;

/// <summary>
/// End to end through the product's gateway (curl as the client) to each simulated vendor gateway: our canonical
/// username in, the vendor's syntax out (issue 12 "what it must show").
/// </summary>
public sealed class BackconnectThroughGatewayTests(BackconnectThroughGatewayTests.Fixture fixture) : IClassFixture<BackconnectThroughGatewayTests.Fixture>
{
    public sealed class Fixture : BackconnectProductFixture
    {
        protected override byte Subnet => 41;

        /// <summary>The built-ins plus a vendor configured as a template.</summary>
        protected override IEnumerable<string> Dialects => ["brightdata", "oxylabs", "decodo", "iproyal", "soax", "template"];

        /// <summary>One pool per dialect (named after it); SOAX serves only US, DE and GB.</summary>
        protected override List<PoolOptions> CreatePools() =>
        [
            new PoolOptions { Name = "statics", Type = UpstreamType.Datacenter, Proxies = World.CreateProxyEntries() },
            .. Dialects.Select(dialect => new PoolOptions
            {
                Name = dialect,
                Type = UpstreamType.Residential,
                Proxies = [Entry(dialect, dialect == "soax" ? CountryCoverage.Of(["US", "DE", "GB"]) : null)],
            }),
        ];
    }

    public static TheoryData<string> Dialects => new() { "brightdata", "oxylabs", "decodo", "iproyal", "soax", "template" };

    [Theory]
    [MemberData(nameof(Dialects))]
    public async Task CountryTargeting_ThroughTheGateway_ExitsInThatCountryForHttpAndConnect(string dialect)
    {
        string user = $"{TestConfigs.User}-pool-{dialect}-country-de";

        string[] exits = [await fixture.ExitAsync(user), await fixture.ExitAsync(user, tunnel: true), await fixture.ExitAsync(user)];

        Assert.All(exits, exit => Assert.Equal(dialect, fixture.VendorOfExit(exit)));
        Assert.All(exits, exit => Assert.Equal("DE", fixture.CountryOfExit(exit)));
        Assert.Equal("DE", fixture.Vendors[dialect].LastRequest!.Country);
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public async Task StickySession_ThroughTheGateway_KeepsOneExitAcrossConnectionsWithTheTtlInTheVendorsTerms(string dialect)
    {
        string user = $"{TestConfigs.User}-pool-{dialect}-country-gb-session-keep{dialect}-sesstime-30";

        var exits = new List<string>();
        for (int connection = 0; connection < 4; connection++)
        {
            exits.Add(await fixture.ExitAsync(user, tunnel: connection % 2 == 1));
        }

        Assert.Single(exits.Distinct());
        Assert.Equal("GB", fixture.CountryOfExit(exits[0]));
        Assert.Equal(dialect, fixture.VendorOfExit(exits[0]));
        Assert.NotNull(fixture.Vendors[dialect].LastRequest!.SessionId);
        Assert.DoesNotContain(TestConfigs.User, fixture.Vendors[dialect].LastRequest!.SessionId!, StringComparison.OrdinalIgnoreCase);
        if (dialect is not ("brightdata" or "soax"))
        {
            // Bright Data and SOAX have no lifetime parameter (ProxyRotator ends the vendor session at the TTL itself).
            Assert.Equal(TimeSpan.FromMinutes(30), fixture.Vendors[dialect].LastRequest!.SessionTtl);
        }
    }

    [Theory]
    [InlineData("brightdata")]
    [InlineData("soax")]
    [InlineData("template")]
    public async Task StrictSession_VendorDropsTheExit_Answers502SessionLostAndNeverChangesIt(string dialect)
    {
        string user = $"{TestConfigs.User}-pool-{dialect}-country-de-session-strict{dialect}-sessmode-strict";
        string before = await fixture.ExitAsync(user);
        Assert.True(fixture.Vendors[dialect].DropAllSessionExits() > 0);

        CurlResult failed = await fixture.CurlAsync(user, fixture.OriginUrl + "ip");
        CurlResult tunnelled = await fixture.CurlAsync(user, fixture.OriginUrl + "ip", tunnel: true);

        Assert.Contains("HTTP/1.1 502", failed.Error);
        Assert.Contains("X-ProxyRotator-Error: session-lost", failed.Error);
        Assert.Contains("X-ProxyRotator-Error: session-lost", tunnelled.Error);
        Assert.DoesNotContain(before, failed.Output);
    }

    [Theory]
    [InlineData("oxylabs")]
    [InlineData("decodo")]
    [InlineData("iproyal")]
    public async Task StrictSession_DialectWithoutAStrictSwitch_Answers400NamingSessmode(string dialect)
    {
        CurlResult result = await fixture.CurlAsync($"{TestConfigs.User}-pool-{dialect}-session-s1-sessmode-strict", fixture.OriginUrl + "ip");

        Assert.Contains("HTTP/1.1 400", result.Error);
        Assert.Contains("X-ProxyRotator-Error: bad-targeting", result.Error);
        Assert.Contains("sessmode", result.Output);
    }

    [Theory]
    [InlineData("brightdata", "-country-de-state-bavaria", "state")]
    [InlineData("oxylabs", "-asn-3320", "asn")]
    [InlineData("decodo", "-country-de-city-berlin", "city")]
    [InlineData("iproyal", "-asn-3320", "asn")]
    [InlineData("soax", "-country-us-state-ny", "state")]
    [InlineData("template", "-asn-3320", "asn")]
    [InlineData("template", "-country-us-state-ny", "state")]
    public async Task UntranslatableTargeting_Answers400NamingTheParameter_AndNeverReachesTheVendor(string dialect, string targeting, string parameter)
    {
        long before = fixture.Vendors[dialect].RequestsServed;

        CurlResult result = await fixture.CurlAsync($"{TestConfigs.User}-pool-{dialect}{targeting}", fixture.OriginUrl + "ip");
        CurlResult tunnelled = await fixture.CurlAsync($"{TestConfigs.User}-pool-{dialect}{targeting}", fixture.OriginUrl + "ip", tunnel: true);

        Assert.Contains("HTTP/1.1 400", result.Error);
        Assert.Contains("X-ProxyRotator-Error: bad-targeting", result.Error);
        Assert.StartsWith(parameter + ":", result.Output.Trim());
        Assert.Contains("HTTP/1.1 400", tunnelled.Error);

        // A health probe (no targeting, no session) may reach the vendor meanwhile; a targeted request never does.
        SimulatedVendorRequest? last = fixture.Vendors[dialect].LastRequest;
        Assert.True(
            fixture.Vendors[dialect].RequestsServed == before || last is { Country: null, SessionId: null, State: null, City: null, Asn: null },
            $"the vendor served a request written for the refused targeting: {last}");
    }

    [Fact]
    public async Task Asn_OnlyTheDialectsThatHaveItServe_StaticUpstreamsAndOthersAreSkipped()
    {
        for (int i = 0; i < 4; i++)
        {
            string exit = await fixture.ExitAsync($"{TestConfigs.User}-country-us-asn-7922");

            Assert.Equal("brightdata", fixture.VendorOfExit(exit));
        }

        Assert.Equal(7922u, fixture.Vendors["brightdata"].LastRequest!.Asn);
    }

    [Fact]
    public async Task State_WithNoPoolThatCanHonourIt_Answers400NamingState()
    {
        CurlResult result = await fixture.CurlAsync($"{TestConfigs.User}-pool-statics-state-ny", fixture.OriginUrl + "ip");

        Assert.Contains("HTTP/1.1 400", result.Error);
        Assert.StartsWith("state:", result.Output.Trim());
    }

    [Fact]
    public async Task CountryOutsideTheDeclaredCoverage_NeverReachesTheProvider()
    {
        long before = fixture.Vendors["soax"].RequestsServed;

        CurlResult result = await fixture.CurlAsync($"{TestConfigs.User}-pool-soax-country-fr", fixture.OriginUrl + "ip");

        Assert.Contains("HTTP/1.1 503", result.Error);
        Assert.Contains("X-ProxyRotator-Error: no-upstream", result.Error);
        Assert.Equal(before, fixture.Vendors["soax"].RequestsServed);
    }

    [Fact]
    public async Task FlexSession_VendorSessionEndsEarly_ContinuesOnAFreshVendorSessionAndSaysSo()
    {
        string user = $"{TestConfigs.User}-pool-decodo-country-de-session-flexrenew";
        string before = await fixture.ExitAsync(user);
        Assert.True(fixture.Vendors["decodo"].BreakAllSessions() > 0);

        CurlResult renewed = await fixture.CurlAsync(user, fixture.OriginUrl + "ip");
        string after = await fixture.ExitAsync(user);
        CurlResult steady = await fixture.CurlAsync(user, fixture.OriginUrl + "ip");

        Assert.Equal(0, renewed.ExitCode);
        Assert.Contains("X-ProxyRotator-Session: flexrenew; renewed", renewed.Error);
        Assert.Equal(after, renewed.Output.Trim());
        Assert.Equal("DE", fixture.CountryOfExit(after));
        Assert.NotEqual(before, after);
        Assert.Contains("X-ProxyRotator-Session: flexrenew\r\n", steady.Error);
    }

    [Fact]
    public async Task RotatingRequests_PooledUpstreamConnections_NeverCarryAnotherTargetingsCredentials()
    {
        // The simulated vendor binds its exit to the first request of a connection: a kept-alive upstream connection
        // authenticated for DE that carried the FR request would exit in DE.
        CurlResult de = await fixture.CurlAsync($"{TestConfigs.User}-pool-oxylabs-country-de", fixture.OriginUrl + "ip", headers: false);
        CurlResult fr = await fixture.CurlAsync($"{TestConfigs.User}-pool-oxylabs-country-fr", fixture.OriginUrl + "ip", headers: false);
        CurlResult deAgain = await fixture.CurlAsync($"{TestConfigs.User}-pool-oxylabs-country-de", fixture.OriginUrl + "ip", headers: false);

        Assert.Equal("DE", fixture.CountryOfExit(de.Output));
        Assert.Equal("FR", fixture.CountryOfExit(fr.Output));
        Assert.Equal("DE", fixture.CountryOfExit(deAgain.Output));
    }
}
