using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Simulation.Backconnect;
using ProxyRotator.Simulation.World;

namespace ProxyRotator.IntegrationTests.Backconnect;

/// <summary>
/// The whole product in front of a few static datacenter upstreams (US only) and one simulated backconnect gateway
/// per dialect. Derive to choose the pools (<see cref="CreatePools"/>); give each derived fixture its own
/// <see cref="Subnet"/> for the static upstreams.
/// </summary>
public abstract class BackconnectProductFixture : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new();

    public SimulatedWorld World { get; private set; } = null!;

    public ProductHost Product { get; private set; } = null!;

    public Dictionary<string, SimulatedBackconnectGateway> Vendors { get; } = new(StringComparer.Ordinal);

    protected abstract byte Subnet { get; }

    protected virtual IEnumerable<string> Dialects => ["brightdata", "oxylabs", "decodo", "iproyal", "soax"];

    /// <summary>The static datacenter upstreams, all in the US.</summary>
    public IReadOnlyList<SimulatedUpstream> Statics => World.Upstreams;

    public string OriginUrl => World.Origin.HttpUrl.ToString();

    public string OriginHttpsUrl => World.Origin.HttpsUrl.ToString();

    /// <summary>A backconnect entry for the vendor's gateway with its base credentials.</summary>
    public ProxyEntryOptions Entry(string dialect, CountryCoverage? countries = null, UpstreamCost? cost = null)
    {
        VendorCase vendor = VendorCase.For(dialect);
        return new ProxyEntryOptions
        {
            Endpoint = Vendors[dialect].Endpoint,
            Backconnect = new BackconnectOptions
            {
                DialectName = dialect,
                Dialect = vendor.Writer,
                Template = dialect == BackconnectDialectNames.Template ? VendorCase.Template : null,
                Countries = countries ?? CountryCoverage.All,
            },
            Cost = cost,
            Type = UpstreamType.Residential,
        };
    }

    /// <summary>Which vendor's exit network an echoed exit address belongs to (null: a static upstream's).</summary>
    public string? VendorOfExit(string exit)
    {
        IPAddress address = IPAddress.Parse(exit.Trim());
        return Vendors.FirstOrDefault(v => v.Value.CountryOfExit(address) is not null).Key;
    }

    public string? CountryOfExit(string exit)
    {
        IPAddress address = IPAddress.Parse(exit.Trim());
        return Vendors.Values.Select(v => v.CountryOfExit(address)).FirstOrDefault(c => c is not null);
    }

    protected abstract List<PoolOptions> CreatePools();

    /// <summary>A fake clock shared by the product and the simulated vendors (null: the system clock).</summary>
    protected virtual FakeTimeProvider? Clock => null;

    /// <summary>The countries a simulated vendor has exits in (null: its default six).</summary>
    protected virtual IReadOnlyList<string>? VendorCountries(string dialect) => null;

    public async Task InitializeAsync()
    {
        var options = new SimulatedWorldOptions
        {
            UpstreamCount = 2,
            BaseAddress = new IPAddress([127, Subnet, 0, 1]),
            DataDirectory = _directory.File("world"),
        };
        options.Countries.Clear();
        options.Countries.Add("US");
        options.Types.Clear();
        options.Types.Add(UpstreamType.Datacenter);
        World = await SimulatedWorld.StartAsync(options);
        foreach (string dialect in Dialects)
        {
            // Bound per connection: a pooled upstream connection reused for other credentials would exit wrongly.
            Vendors[dialect] = VendorCase.For(dialect).Start(Clock, bindsExitToConnection: true, countries: VendorCountries(dialect));
        }

        ProxyRotatorConfig config = TestConfigs.Create(_directory.File("proxyrotator.db"), CreatePools());
        config.GeoIp = World.CreateGeoIpOptions();
        config.HealthCheck.Url = World.Origin.HttpUrl.ToString();
        World.AddGeoNetworks([.. Vendors.Values.SelectMany(v => v.ExitNetworks())]);
        Product = await ProductHost.StartAsync(config, Clock is { } clock ? services => services.AddSingleton<TimeProvider>(clock) : null);
    }

    public async Task DisposeAsync()
    {
        await Product.DisposeAsync();
        foreach (SimulatedBackconnectGateway vendor in Vendors.Values)
        {
            await vendor.DisposeAsync();
        }

        await World.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    public void Dispose()
    {
        _directory.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>curl through the product; returns the result (headers on stderr with -D).</summary>
    public Task<CurlResult> CurlAsync(string username, string url, bool tunnel = false, bool headers = true)
    {
        var arguments = new List<string> { "-x", Product.ProxyUrl(username) };
        if (tunnel)
        {
            arguments.Add("--proxytunnel");
        }

        if (headers)
        {
            arguments.AddRange(["-D", "/dev/stderr"]);
        }

        arguments.Add(url);
        return Curl.RunAsync(arguments);
    }

    /// <summary>One served request's exit address (fails the test unless curl and the gateway succeeded).</summary>
    public async Task<string> ExitAsync(string username, bool tunnel = false)
    {
        CurlResult result = await CurlAsync(username, OriginUrl + "ip", tunnel, headers: false);
        Assert.True(result.ExitCode == 0 && IPAddress.TryParse(result.Output.Trim(), out _), $"curl {result.ExitCode}: {result.Output} {result.Error}");
        return result.Output.Trim();
    }
}
