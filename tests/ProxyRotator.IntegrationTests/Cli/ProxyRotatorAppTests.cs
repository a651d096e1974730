using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.GeoIp;
using ProxyRotator.Core.Pool;
using ProxyRotator.Hosting;
using ProxyRotator.Simulation.GeoIp;

namespace ProxyRotator.IntegrationTests.Cli;

public sealed class ProxyRotatorAppTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Create_RegistersConfigurationSectionsClockAndGeoIp()
    {
        string countryDb = Path.Combine(_workspace.Folder, "country.mmdb");
        new MmdbWriter(GeoIpRecords.CountryDatabaseType).Insert("127.0.1.0/24", GeoIpRecords.Country("DE")).WriteTo(countryDb);
        var config = new ProxyRotatorConfig
        {
            Database = $"Data Source={_workspace.DatabasePath}",
            GeoIp = new GeoIpOptions { CountryDb = countryDb },
        };

        await using ProxyRotatorApp app = ProxyRotatorApp.Create(config);

        Assert.Same(config, app.Services.GetRequiredService<ProxyRotatorConfig>());
        Assert.Same(config.Gateway, app.Services.GetRequiredService<GatewayOptions>());
        Assert.Same(config.HealthCheck, app.Services.GetRequiredService<HealthCheckOptions>());
        Assert.Same(config.Sessions, app.Services.GetRequiredService<SessionOptions>());
        Assert.Same(TimeProvider.System, app.Services.GetRequiredService<TimeProvider>());
        Assert.NotNull(app.Services.GetRequiredService<IPoolSnapshotSource>());
        GeoIpResult result = app.Services.GetRequiredService<IGeoIpLookup>().Lookup(System.Net.IPAddress.Parse("127.0.1.9"));
        Assert.Equal((GeoIpLookupStatus.Found, "DE"), (result.CountryStatus, result.Country));
    }

    [Fact]
    public async Task Create_ConfigureBuilder_CanReplaceServices()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var config = new ProxyRotatorConfig { Database = $"Data Source={_workspace.DatabasePath}" };

        await using ProxyRotatorApp app = ProxyRotatorApp.Create(config, new ProxyRotatorAppOptions
        {
            ConfigureBuilder = builder => builder.Services.AddSingleton<TimeProvider>(clock),
        });

        Assert.Same(clock, app.Services.GetRequiredService<TimeProvider>());
    }
}
