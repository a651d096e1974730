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

    [Fact]
    public async Task HealthPasses_GetProxy_ShowsProbedCountriesLastResultAndWhereItIsAvoided()
    {
        using var admin = new HttpClient { BaseAddress = fixture.Product.AdminUri };
        admin.DefaultRequestHeaders.Add("X-Api-Key", fixture.Product.Config.Admin.ApiKey);
        for (int pass = 0; pass < 3; pass++)
        {
            (await admin.PostAsync("/api/checks", null)).EnsureSuccessStatusCode();
        }

        JsonElement list = await JsonSerializer.DeserializeAsync<JsonElement>(await admin.GetStreamAsync("/api/proxies?pool=providers"));
        long Id(string dialect) => list.GetProperty("items").EnumerateArray().Single(p => p.GetProperty("dialect").GetString() == dialect).GetProperty("id").GetInt64();
        JsonElement oxylabs = await JsonSerializer.DeserializeAsync<JsonElement>(await admin.GetStreamAsync($"/api/proxies/{Id("oxylabs")}"));
        JsonElement brightdata = await JsonSerializer.DeserializeAsync<JsonElement>(await admin.GetStreamAsync($"/api/proxies/{Id("brightdata")}"));

        Dictionary<string, JsonElement> Coverage(JsonElement upstream) =>
            upstream.GetProperty("coverage").EnumerateArray().ToDictionary(c => c.GetProperty("country").GetString()!);
        Dictionary<string, JsonElement> weak = Coverage(oxylabs);
        Dictionary<string, JsonElement> strong = Coverage(brightdata);
        Assert.Equal(["BR", "US"], weak.Keys.Order());
        Assert.Equal(("failed", true), (weak["BR"].GetProperty("lastResult").GetString(), weak["BR"].GetProperty("avoided").GetBoolean()));
        Assert.True(weak["BR"].GetProperty("consecutiveFailures").GetInt32() >= CountryCoverageHealth.WeakAfterFailures);
        Assert.False(string.IsNullOrEmpty(weak["BR"].GetProperty("lastError").GetString()));
        Assert.Equal(("ok", false), (weak["US"].GetProperty("lastResult").GetString(), weak["US"].GetProperty("avoided").GetBoolean()));
        Assert.All(strong.Values, c => Assert.Equal(("ok", false), (c.GetProperty("lastResult").GetString(), c.GetProperty("avoided").GetBoolean())));
        Assert.Contains(list.GetProperty("items").EnumerateArray(), p => p.TryGetProperty("coverage", out JsonElement c) && c.ValueKind == JsonValueKind.Array);
    }
}
