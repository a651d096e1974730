using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Simulation.Upstreams;

namespace ProxyRotator.IntegrationTests.Backconnect;

/// <summary>
/// One pool with static datacenter upstreams (US only, cheapest) and two backconnect providers at different costs:
/// the pick prefers the cheapest upstream that matches, falls over to the next tier when it fails, and spend is
/// reported per account and per provider (issue 12 §5).
/// </summary>
public sealed class MixedPoolWaterfallTests(MixedPoolWaterfallTests.Fixture fixture) : IClassFixture<MixedPoolWaterfallTests.Fixture>
{
    public sealed class Fixture : BackconnectProductFixture
    {
        protected override byte Subnet => 42;

        protected override IEnumerable<string> Dialects => ["brightdata", "oxylabs"];

        protected override List<PoolOptions> CreatePools() =>
        [
            new PoolOptions
            {
                Name = "mixed",
                Type = UpstreamType.Datacenter,
                Cost = new UpstreamCost(PerGb: 0.5m, PerRequest: null),
                Proxies =
                [
                    .. World.CreateProxyEntries(),
                    Entry("brightdata", cost: new UpstreamCost(PerGb: 8m, PerRequest: 0.001m)),
                    Entry("oxylabs", cost: new UpstreamCost(PerGb: 4m, PerRequest: null)),
                ],
            },
        ];
    }

    [Fact]
    public async Task MixedPool_GoesToTheCheapestMatchingProvider_AndFallsOverToTheNextWhenItFails()
    {
        // Until a health pass has made every upstream active, an active provider outranks a static upstream still
        // pending, whatever the cost: the waterfall is about upstreams in good standing.
        await RunHealthPassAsync(mustBeActive: _ => true);
        var us = new List<string>();
        var de = new List<string>();
        for (int i = 0; i < 6; i++)
        {
            us.Add(await fixture.ExitAsync($"{TestConfigs.User}-country-us"));
            de.Add(await fixture.ExitAsync($"{TestConfigs.User}-country-de", tunnel: i % 2 == 0));
        }

        // US: the static datacenter upstreams are the cheapest match. DE: only the providers match; Oxylabs costs less.
        Assert.All(us, exit => Assert.Null(fixture.VendorOfExit(exit)));
        Assert.All(de, exit => Assert.Equal("oxylabs", fixture.VendorOfExit(exit)));

        fixture.Vendors["oxylabs"].Fault = SimulatedFault.Refuse;
        try
        {
            var fallback = new List<string>();
            for (int i = 0; i < 4; i++)
            {
                fallback.Add(await fixture.ExitAsync($"{TestConfigs.User}-country-de", tunnel: i % 2 == 0));
            }

            Assert.All(fallback, exit => Assert.Equal("brightdata", fixture.VendorOfExit(exit)));
            Assert.All(fallback, exit => Assert.Equal("DE", fixture.CountryOfExit(exit)));
        }
        finally
        {
            fixture.Vendors["oxylabs"].Fault = SimulatedFault.None;
        }
    }

    [Fact]
    public async Task Spend_PerAccountAndProvider_ReportedInStatsAndMetrics()
    {
        // The US requests must go to the static upstreams (the cheapest tier), which they do once those are active.
        await RunHealthPassAsync(mustBeActive: u => !u.IsBackconnect);
        for (int i = 0; i < 3; i++)
        {
            await fixture.ExitAsync($"{TestConfigs.User}-country-us");
            await fixture.ExitAsync($"{TestConfigs.User}-country-gb-asn-3320");
        }

        using var admin = new HttpClient { BaseAddress = fixture.Product.AdminUri };
        admin.DefaultRequestHeaders.Add("X-Api-Key", fixture.Product.Config.Admin.ApiKey);
        JsonElement stats = await admin.GetFromJsonAsync<JsonElement>("/api/stats");
        string metrics = await admin.GetStringAsync("/metrics");

        JsonElement account = stats.GetProperty("spend").GetProperty("accounts").EnumerateArray()
            .Single(a => a.GetProperty("account").GetString() == TestConfigs.User);
        Assert.True(account.GetProperty("requests").GetInt64() >= 6);
        Assert.True(account.GetProperty("spend").GetDecimal() > 0);
        JsonElement[] providers = [.. stats.GetProperty("spend").GetProperty("providers").EnumerateArray()];
        JsonElement brightdata = providers.Single(p => p.GetProperty("provider").GetString() == "brightdata");
        JsonElement statics = providers.Single(p => p.GetProperty("provider").GetString() == "static");
        Assert.Equal("mixed", brightdata.GetProperty("pool").GetString());
        Assert.True(brightdata.GetProperty("requests").GetInt64() >= 3);

        // 0.001 per request plus 8 per GB: at least the per-request part of its three requests.
        Assert.True(brightdata.GetProperty("spend").GetDecimal() >= 0.003m);
        Assert.True(statics.GetProperty("spend").GetDecimal() < brightdata.GetProperty("spend").GetDecimal());
        Assert.Contains($"proxyrotator_spend_account_total{{account=\"{TestConfigs.User}\"}}", metrics);
        Assert.Contains("proxyrotator_spend_provider_total{provider=\"brightdata\",pool=\"mixed\"}", metrics);
    }

    /// <summary>
    /// Runs a health pass now and waits for it (the scheduled first pass may come at any time; the runner takes one pass
    /// at a time), then requires the upstreams the test relies on active: an event to wait for, not a status to poll.
    /// </summary>
    private async Task RunHealthPassAsync(Func<UpstreamProxy, bool> mustBeActive)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        IReadOnlyList<HealthCheckOutcome> outcomes = await fixture.Product.Services.GetRequiredService<HealthCheckRunner>().RunAllAsync(null, bound.Token);

        Assert.All(outcomes, outcome => Assert.True(outcome.Success, $"{outcome.Upstream}: {outcome.Error}"));
        Assert.All(fixture.Product.Services.GetRequiredService<IPoolSnapshotSource>().Current.All.Where(mustBeActive), u => Assert.Equal(UpstreamStatus.Active, u.Status));
    }
}
