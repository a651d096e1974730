using System.Net;
using System.Net.Http.Json;
using ProxyRotator.Core.Configuration;
using ProxyRotator.IntegrationTests.Providers;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Simulation.World;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>
/// One country normaliser for every way an upstream arrives: an upstream added as "UK" through
/// <c>POST /api/proxies</c> or listed as "UK" by a provider is stored as GB, so a client's <c>-country-uk</c> (GB
/// too) reaches it through the gateway before any GeoIP verification (none is configured here).
/// </summary>
public sealed class CountryNormalisationEndToEndTests
{
    [Fact]
    public async Task CountryUk_UpstreamsAddedAsUkByAdminApiAndProvider_AreReached()
    {
        using var directory = new TempDirectory();
        var worldOptions = new SimulatedWorldOptions
        {
            UpstreamCount = 2,
            BaseAddress = IPAddress.Parse("127.47.0.1"),
            DataDirectory = directory.File("world"),
        };
        await using SimulatedWorld world = await SimulatedWorld.StartAsync(worldOptions);
        SimulatedUpstream viaApi = world.Upstreams[0];
        SimulatedUpstream viaProvider = world.Upstreams[1];

        await using SimulatedProviderApi provider = await SimulatedProviderApi.StartAsync();
        provider.AnswerJson($$"""[{"url": "{{viaProvider.Endpoint.ToUri()}}", "country": "UK", "city": "Winston-Salem"}]""");

        ProxyRotatorConfig config = TestConfigs.Create(directory.File("proxyrotator.db"),
        [
            new PoolOptions { Name = "byapi" },
            new PoolOptions { Name = "byprovider", Providers = [new ProviderOptions { Name = "acme", Url = provider.ListUrl }] },
        ]);
        config.HealthCheck.Url = world.Origin.HttpUrl.ToString(); // probes succeed; no GeoIP database, so nothing is verified
        await using ProductHost product = await ProductHost.StartAsync(config);

        using var admin = new HttpClient { BaseAddress = product.AdminUri };
        admin.DefaultRequestHeaders.Add("X-Api-Key", config.Admin.ApiKey);
        using (HttpResponseMessage added = await admin.PostAsJsonAsync("/api/proxies", new { url = viaApi.Endpoint.ToUri(), pool = "byapi", country = "UK", city = "São Paulo" }))
        {
            Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync());
        }

        using (HttpResponseMessage imported = await admin.PostAsync("/api/import", null))
        {
            Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());
        }

        string ip = new Uri(world.Origin.HttpUrl, "ip").ToString();
        Assert.Equal(viaApi.ExitAddress.ToString(), await ExitAsync(product, TestConfigs.User + "-country-uk-pool-byapi", ip));
        Assert.Equal(viaApi.ExitAddress.ToString(), await ExitAsync(product, TestConfigs.User + "-country-gb-city-sao_paulo", ip));
        Assert.Equal(viaProvider.ExitAddress.ToString(), await ExitAsync(product, TestConfigs.User + "-country-uk-pool-byprovider", ip));
        Assert.Equal(viaProvider.ExitAddress.ToString(), await ExitAsync(product, TestConfigs.User + "-cc-UK-city-winston_salem", ip));

        // The admin API lists both as GB, and its filter normalises "uk" the same way.
        string listed = await admin.GetStringAsync("/api/proxies?country=uk");
        Assert.Contains(viaApi.Endpoint.Host, listed, StringComparison.Ordinal);
        Assert.Contains(viaProvider.Endpoint.Host, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("\"UK\"", listed, StringComparison.Ordinal);
    }

    private static async Task<string> ExitAsync(ProductHost product, string username, string url)
    {
        CurlResult result = await Curl.RunAsync(["-x", product.ProxyUrl(username), "--fail-with-body", "-D", "-", url]);
        Assert.True(result.ExitCode == 0, $"{username}: {result.Error} {result.Output}");
        return result.Lines[^1];
    }
}
