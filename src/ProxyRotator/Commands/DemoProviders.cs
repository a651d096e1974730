using System.Net;
using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Simulation.Backconnect;
using ProxyRotator.Simulation.World;

namespace ProxyRotator.Commands;

/// <summary>
/// The demo's provider gateways: a simulated Bright Data (8 per GB + 0.001 per request) and a simulated Oxylabs
/// (4 per GB) backconnect gateway on 127.0.20.1 and 127.0.20.2, exiting from 127.20.x.y and 127.21.x.y (one /24 per
/// country: US, DE, GB, FR, BR, JP), with those networks in the world's GeoIP databases.
/// </summary>
internal sealed class DemoProviders : IAsyncDisposable
{
    private static readonly string[] _countries = ["US", "DE", "GB", "FR", "BR", "JP"];

    private readonly SimulatedBackconnectGateway _brightData;
    private readonly SimulatedBackconnectGateway _oxylabs;

    private DemoProviders(SimulatedBackconnectGateway brightData, SimulatedBackconnectGateway oxylabs)
    {
        _brightData = brightData;
        _oxylabs = oxylabs;
    }

    public static DemoProviders Start(SimulatedWorld world)
    {
        SimulatedBackconnectGateway brightData = SimulatedBackconnectGateway.Start(new SimulatedBackconnectGatewayOptions
        {
            Grammar = new BrightDataGrammar(),
            ListenAddress = IPAddress.Parse("127.0.20.1"),
            ExitNetwork = 20,
            Countries = _countries,
        });
        SimulatedBackconnectGateway oxylabs = SimulatedBackconnectGateway.Start(new SimulatedBackconnectGatewayOptions
        {
            Grammar = new OxylabsGrammar(),
            ListenAddress = IPAddress.Parse("127.0.20.2"),
            ExitNetwork = 21,
            Countries = _countries,
        });
        world.AddGeoNetworks([.. brightData.ExitNetworks(), .. oxylabs.ExitNetworks()]);
        return new DemoProviders(brightData, oxylabs);
    }

    /// <summary>One pool with both gateways as backconnect upstreams, each with its dialect, countries and cost.</summary>
    public PoolOptions CreatePool(string name) => new()
    {
        Name = name,
        Type = UpstreamType.Residential,
        Proxies =
        [
            Entry(_brightData, new BrightDataDialect(), new UpstreamCost(PerGb: 8m, PerRequest: 0.001m)),
            Entry(_oxylabs, new OxylabsDialect(), new UpstreamCost(PerGb: 4m, PerRequest: null)),
        ],
    };

    public string Describe() =>
        $"brightdata at {_brightData.ListenEndPoint} (8/GB + 0.001/request), oxylabs at {_oxylabs.ListenEndPoint} (4/GB), countries {string.Join(",", _countries)}";

    public async ValueTask DisposeAsync()
    {
        await _brightData.DisposeAsync().ConfigureAwait(false);
        await _oxylabs.DisposeAsync().ConfigureAwait(false);
    }

    private static ProxyEntryOptions Entry(SimulatedBackconnectGateway gateway, IBackconnectDialect dialect, UpstreamCost cost) => new()
    {
        Endpoint = gateway.Endpoint,
        Backconnect = new BackconnectOptions { DialectName = dialect.Name, Dialect = dialect, Countries = CountryCoverage.Of(_countries) },
        Cost = cost,
    };
}
