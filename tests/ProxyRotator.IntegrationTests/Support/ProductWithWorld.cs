using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.IntegrationTests.Support;

/// <summary>
/// An xunit fixture: a <see cref="TestPoolWorld"/> and the product configured with its pools, on a temp
/// SQLite file. Derive to change the world or the gateway options.
/// </summary>
public class ProductWithWorld : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new();

    public TestPoolWorld World { get; private set; } = null!;

    public ProductHost Product { get; private set; } = null!;

    public ProxyRotatorConfig Config { get; private set; } = null!;

    public string DatabasePath => _directory.File("proxyrotator.db");

    protected virtual IReadOnlyList<UpstreamSpec> Specs => TestPoolWorld.Mixed(20);

    protected virtual byte Subnet => 1;

    protected virtual UpstreamScheme? Scheme => null;

    protected virtual void ConfigureGateway(GatewayOptions gateway)
    {
    }

    /// <summary>The origin's plain-HTTP URL for a path.</summary>
    public string OriginUrl(string path = "") => new Uri(World.Origin.HttpUrl, path).ToString();

    public string OriginHttpsUrl(string path = "") => new Uri(World.Origin.HttpsUrl, path).ToString();

    public async Task InitializeAsync()
    {
        World = await TestPoolWorld.StartAsync(Specs, Subnet, Scheme);
        Config = TestConfigs.Create(DatabasePath, World.ToPools(), ConfigureGateway);
        Product = await ProductHost.StartAsync(Config);
    }

    /// <summary>Stops the product and starts it again over the same database file.</summary>
    public async Task RestartProductAsync()
    {
        await Product.DisposeAsync();
        Product = await ProductHost.StartAsync(Config);
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
