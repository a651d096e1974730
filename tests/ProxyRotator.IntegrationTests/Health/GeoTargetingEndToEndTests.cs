using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Simulation.World;

namespace ProxyRotator.IntegrationTests.Health;

/// <summary>
/// The whole product with a simulated world whose GeoIP database places one upstream declared US in DE: after a
/// health-check pass, <c>country-us</c> requests no longer leave through it while <c>country-de</c> requests do.
/// </summary>
public sealed class GeoTargetingEndToEndTests
{
    [Fact]
    public async Task CountryTargeting_AfterGeoVerification_UsesVerifiedCountry()
    {
        using var directory = new TempDirectory();
        var options = new SimulatedWorldOptions
        {
            UpstreamCount = 8,
            BaseAddress = IPAddress.Parse("127.0.5.1"),
            DataDirectory = directory.File("world"),
        };
        options.Countries.Clear();
        options.Countries.Add("US");
        options.Countries.Add("DE");
        await using SimulatedWorld world = await SimulatedWorld.StartAsync(options);
        SimulatedUpstream movedToDe = world.Upstreams.First(u => u.Country == "US");
        string movedExit = movedToDe.ExitAddress.ToString();
        world.OverrideGeo(movedToDe.ExitAddress, country: "DE");

        var config = TestConfigs.Create(directory.File("proxyrotator.db"), world.CreatePools());
        world.ApplyTo(config);
        config.HealthCheck.Interval = TimeSpan.FromHours(1); // the pass below is the one that matters
        await using ProductHost product = await ProductHost.StartAsync(config);

        IReadOnlyList<HealthCheckOutcome> outcomes = await product.Services.GetRequiredService<HealthCheckRunner>().RunAllAsync(null, CancellationToken.None);
        Assert.Equal(8, outcomes.Count);
        Assert.All(outcomes, o => Assert.True(o.Success, o.Error));
        HealthCheckOutcome moved = Assert.Single(outcomes, o => o.ExitIp == movedExit);
        Assert.Equal("DE", moved.VerifiedCountry);
        Assert.True(product.Services.GetRequiredService<IPoolSnapshotSource>().Current.TryGet(moved.UpstreamId, out UpstreamProxy? inSnapshot));
        Assert.Equal(("DE", "US"), (inSnapshot!.EffectiveCountry, inSnapshot.DeclaredCountry));

        IReadOnlyList<string> usExits = await ExitsAsync(product, world, TestConfigs.User + "-country-us", 40);
        IReadOnlyList<string> deExits = await ExitsAsync(product, world, TestConfigs.User + "-country-de", 60);

        Assert.Equal(40, usExits.Count);
        Assert.DoesNotContain(movedExit, usExits);
        Assert.All(usExits, exit => Assert.Equal("US", world.FindByExitAddress(exit)!.Country));
        Assert.Equal(60, deExits.Count);
        Assert.Contains(movedExit, deExits);
    }

    private static async Task<IReadOnlyList<string>> ExitsAsync(ProductHost product, SimulatedWorld world, string username, int count)
    {
        var args = new List<string> { "-sS", "-x", product.ProxyUrl(username), "--write-out", "\\n" };
        args.AddRange(Enumerable.Repeat(new Uri(world.Origin.HttpUrl, "ip").ToString(), count));
        CurlResult result = await Curl.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.Error);
        return result.Lines;
    }
}
