using System.Text.Json;
using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Backconnect;

/// <summary>
/// Health checks probe a backconnect upstream per country: a cheap provider that lists BR but has no exits there
/// fails its BR probes and is avoided for BR only, while it keeps serving US (issue 12 §3).
/// </summary>
public sealed class CountryCoverageHealthTests(CountryCoverageHealthTests.Fixture fixture) : IClassFixture<CountryCoverageHealthTests.Fixture>
{
    public sealed class Fixture : BackconnectProductFixture
    {
        protected override byte Subnet => 43;

        protected override IEnumerable<string> Dialects => ["oxylabs", "brightdata"];

        /// <summary>The simulated Oxylabs has no exits in BR (it answers "no exit nodes" there), although it lists BR.</summary>
        protected override IReadOnlyList<string>? VendorCountries(string dialect) => dialect == "oxylabs" ? ["US"] : null;

        protected override List<PoolOptions> CreatePools() =>
        [
            new PoolOptions
            {
                Name = "providers",
                Type = UpstreamType.Residential,
                Proxies =
                [
                    Entry("oxylabs", CountryCoverage.Of(["US", "BR"]), new UpstreamCost(PerGb: 2m, PerRequest: null)),
                    Entry("brightdata", CountryCoverage.Of(["US", "BR"]), new UpstreamCost(PerGb: 8m, PerRequest: null)),
                ],
            },
        ];
    }

    [Fact]
    public async Task HealthPasses_ProviderFailsItsBrProbes_AvoidedForBrOnly_StillServesUs()
    {
        using var admin = new HttpClient { BaseAddress = fixture.Product.AdminUri };
        admin.DefaultRequestHeaders.Add("X-Api-Key", fixture.Product.Config.Admin.ApiKey);

        // Pass 1 makes both active; passes 2 and 3 probe US and BR through each (two failed BR probes make Oxylabs weak there).
        for (int pass = 0; pass < 3; pass++)
        {
            (await admin.PostAsync("/api/checks", null)).EnsureSuccessStatusCode();
        }

        JsonElement proxies = await JsonSerializer.DeserializeAsync<JsonElement>(await admin.GetStreamAsync("/api/proxies?pool=providers"));
        var us = new List<string>();
        var br = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            us.Add(await fixture.ExitAsync($"{TestConfigs.User}-country-us"));
        }

        for (int i = 0; i < 4; i++)
        {
            br.Add(await fixture.ExitAsync($"{TestConfigs.User}-country-br"));
        }

        // Avoided, not merely failed over: the BR requests never reached the simulated Oxylabs (its last request is a US one).
        Assert.Equal("US", fixture.Vendors["oxylabs"].LastRequest!.Country);

        Assert.All(br, exit => Assert.Equal("brightdata", fixture.VendorOfExit(exit)));
        Assert.All(us, exit => Assert.Equal("oxylabs", fixture.VendorOfExit(exit)));
        Assert.All(proxies.GetProperty("items").EnumerateArray(), p => Assert.Equal("active", p.GetProperty("status").GetString()));
        Assert.All(proxies.GetProperty("items").EnumerateArray(), p => Assert.False(p.GetProperty("isRotatingExit").GetBoolean()));
    }
}
