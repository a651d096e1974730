using Microsoft.Extensions.DependencyInjection;
using System.Net;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Simulation.World;

namespace ProxyRotator.IntegrationTests.Support;

/// <summary>
/// An xunit fixture: a <see cref="SimulatedWorld"/> (20 upstreams by default: types cycle residential, mobile,
/// datacenter, isp; countries US, DE, GB, FR, JP in blocks of four) and the whole product configured with it, on
/// a temp SQLite file. Derive to change the world or the gateway options; give each fixture its own
/// <see cref="Subnet"/> so parallel test classes use distinct loopback addresses.
/// </summary>
public class ProductWithWorld : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new();

    public SimulatedWorld World { get; private set; } = null!;

    public ProductHost Product { get; private set; } = null!;

    public ProxyRotatorConfig Config { get; private set; } = null!;

    public string DatabasePath => _directory.File("proxyrotator.db");

    protected virtual int UpstreamCount => 20;

    /// <summary>Upstreams live on 127.<c>Subnet</c>.0.x.</summary>
    protected virtual byte Subnet => 1;

    protected virtual void ConfigureGateway(GatewayOptions gateway)
    {
    }

    /// <summary>Changes the rest of the configuration (sessions, health) before the product starts.</summary>
    protected virtual void Configure(ProxyRotatorConfig config)
    {
    }

    /// <summary>Replaces product services (e.g. a slower store) before the product starts.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>The upstream whose exit address is <paramref name="exitAddress"/>.</summary>
    public SimulatedUpstream ByExit(string exitAddress) => World.Upstreams.Single(u => u.ExitAddress.ToString() == exitAddress);

    /// <summary>The origin's plain-HTTP URL for a path.</summary>
    public string OriginUrl(string path = "") => new Uri(World.Origin.HttpUrl, path).ToString();

    public string OriginHttpsUrl(string path = "") => new Uri(World.Origin.HttpsUrl, path).ToString();

    public async Task InitializeAsync()
    {
        World = await SimulatedWorld.StartAsync(new SimulatedWorldOptions
        {
            UpstreamCount = UpstreamCount,
            BaseAddress = new IPAddress([127, Subnet, 0, 1]),
            DataDirectory = _directory.File("world"),
        });
        Config = TestConfigs.Create(DatabasePath, World.CreatePools(), ConfigureGateway);
        Config.GeoIp = World.CreateGeoIpOptions();
        Config.HealthCheck.Url = World.Origin.HttpUrl.ToString();
        Configure(Config);
        Product = await ProductHost.StartAsync(Config, ConfigureServices);
    }

    /// <summary>Stops the product and starts it again over the same database file.</summary>
    public async Task RestartProductAsync()
    {
        await Product.DisposeAsync();
        Product = await ProductHost.StartAsync(Config, ConfigureServices);
    }

    public async Task DisposeAsync()
    {
        await Product.DisposeAsync();
        await World.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    public void Dispose()
    {
        _directory.Dispose();
        GC.SuppressFinalize(this);
    }
}
