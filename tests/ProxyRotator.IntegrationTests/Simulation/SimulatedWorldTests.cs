using System.Net;
using System.Net.Sockets;
using MaxMind.GeoIP2;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Simulation.GeoIp;
using ProxyRotator.Simulation.World;

namespace ProxyRotator.IntegrationTests.Simulation;

public sealed class SimulatedWorldTests
{
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    private static SimulatedWorldOptions Options(string baseAddress, int count = 24) =>
        new() { BaseAddress = IPAddress.Parse(baseAddress), UpstreamCount = count };

    [Fact]
    public async Task StartAsync_Defaults_EveryUpstreamExitsFromItsOwnAddress()
    {
        await using SimulatedWorld world = await SimulatedWorld.StartAsync(Options("127.0.2.1"), Timeout);

        string[] seen = await Task.WhenAll(world.Upstreams.Select(async upstream =>
        {
            UpstreamEndpoint endpoint = upstream.Endpoint;
            var proxy = new WebProxy(new Uri($"{endpoint.SchemeName}://{endpoint.Host}:{endpoint.Port}"))
            {
                Credentials = new NetworkCredential(endpoint.Username, endpoint.Password),
            };
            using var client = new HttpClient(new SocketsHttpHandler { Proxy = proxy, UseProxy = true });
            return await client.GetStringAsync(world.Origin.HttpUrl, Timeout);
        }));

        Assert.Equal(world.Upstreams.Select(u => u.ExitAddress.ToString()), seen);
        Assert.Equal(world.Upstreams.Select(u => u.Endpoint.Host), seen);
        Assert.Equal(24, seen.Distinct().Count());
        Assert.Same(world.Upstreams[5], world.FindByExitAddress(seen[5] + "\n"));
        Assert.Null(world.FindByExitAddress("127.0.0.1"));
        Assert.Null(world.FindByExitAddress("not an address"));
    }

    [Fact]
    public async Task StartAsync_Defaults_SpreadsSchemesTypesAndCountries()
    {
        await using SimulatedWorld world = await SimulatedWorld.StartAsync(Options("127.0.2.33"), Timeout);
        IReadOnlyList<SimulatedUpstream> upstreams = world.Upstreams;

        Assert.Equal(24, upstreams.Count);
        Assert.Equal("127.0.2.33", upstreams[0].ExitAddress.ToString());
        Assert.Equal("127.0.2.56", upstreams[23].ExitAddress.ToString());
        Assert.Equal(24, upstreams.Select(u => (u.Country, u.Type)).Distinct().Count());
        Assert.Equal(["BR", "DE", "FR", "GB", "JP", "US"], upstreams.Select(u => u.Country).Distinct().Order());
        Assert.Equal(4, upstreams.Select(u => u.Type).Distinct().Count());
        Assert.All(upstreams.GroupBy(u => u.Country), country => Assert.Equal(2, country.Select(u => u.Scheme).Distinct().Count()));
        Assert.All(upstreams.GroupBy(u => u.Type), type => Assert.Equal(2, type.Select(u => u.Scheme).Distinct().Count()));
        Assert.All(upstreams, u => Assert.True(u.Endpoint.HasCredentials));
        Assert.Equal(24, upstreams.Select(u => u.Endpoint.Password).Distinct().Count());
    }

    [Fact]
    public async Task GeoIpDatabases_MatchEachUpstreamsDeclaredFacts()
    {
        await using SimulatedWorld world = await SimulatedWorld.StartAsync(Options("127.0.2.65"), Timeout);
        using var countries = new DatabaseReader(world.CountryDatabasePath);
        using var cities = new DatabaseReader(world.CityDatabasePath);
        using var connectionTypes = new DatabaseReader(world.ConnectionTypeDatabasePath);

        Assert.All(world.Upstreams, upstream =>
        {
            Assert.Equal(upstream.Country, countries.Country(upstream.ExitAddress).Country.IsoCode);
            Assert.Equal(upstream.City, cities.City(upstream.ExitAddress).City.Name!.ToLowerInvariant().Replace(' ', '_'));
            Assert.Equal(upstream.ConnectionType, connectionTypes.ConnectionType(upstream.ExitAddress).ConnectionType);
        });
        Assert.Equal(GeoIpRecords.Cellular, world.Upstreams.Single(u => u is { Type: UpstreamType.Mobile, Country: "DE" }).ConnectionType);
        Assert.False(countries.TryCountry(world.Origin.HttpEndPoint.Address, out _));
    }

    [Fact]
    public async Task OverrideGeo_OneAddress_OnlyThatRecordChanges()
    {
        await using SimulatedWorld world = await SimulatedWorld.StartAsync(Options("127.0.2.97", 8), Timeout);
        SimulatedUpstream us = world.Upstreams.First(u => u is { Country: "US", Type: UpstreamType.Residential });

        world.OverrideGeo(us.ExitAddress, country: "DE", connectionType: GeoIpRecords.Corporate);
        world.OverrideGeo(IPAddress.Parse("81.2.69.160"), country: "GB");
        using var countries = new DatabaseReader(world.CountryDatabasePath);
        using var connectionTypes = new DatabaseReader(world.ConnectionTypeDatabasePath);

        Assert.Equal("DE", countries.Country(us.ExitAddress).Country.IsoCode);
        Assert.Equal(GeoIpRecords.Corporate, connectionTypes.ConnectionType(us.ExitAddress).ConnectionType);
        Assert.Equal("GB", countries.Country("81.2.69.160").Country.IsoCode);
        Assert.All(world.Upstreams.Where(u => u != us), u => Assert.Equal(u.Country, countries.Country(u.ExitAddress).Country.IsoCode));
    }

    [Fact]
    public async Task ApplyTo_Config_CarriesEveryUpstreamWithCredentialsAndGeoIp()
    {
        await using SimulatedWorld world = await SimulatedWorld.StartAsync(Options("127.0.2.129", 6), Timeout);
        var config = new ProxyRotatorConfig();

        world.ApplyTo(config);

        PoolOptions pool = Assert.Single(config.Pools);
        Assert.Equal("simulated", pool.Name);
        Assert.Equal(6, pool.Proxies.Count);
        Assert.All(pool.Proxies.Zip(world.Upstreams), pair =>
        {
            (ProxyEntryOptions entry, SimulatedUpstream upstream) = pair;
            Assert.True(UpstreamEndpoint.TryParse(entry.Endpoint.ToUri(), out UpstreamEndpoint? parsed, out _));
            Assert.Equal(upstream.Endpoint, parsed);
            Assert.Equal(upstream.Type, entry.Type);
            Assert.Equal(upstream.Country, entry.Country);
            Assert.Equal(upstream.City, entry.City);
        });
        Assert.Equal(world.CountryDatabasePath, config.GeoIp.CountryDb);
        Assert.Equal(world.ConnectionTypeDatabasePath, config.GeoIp.ConnectionTypeDb);
        Assert.Equal(world.Origin.HttpUrl.ToString(), config.HealthCheck.Url);
        Assert.True(config.Gateway.AllowPrivateTargets);
        Assert.DoesNotContain(world.Upstreams[0].Endpoint.Password!, world.Upstreams[0].Endpoint.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ThousandUpstreams_AcrossSeveralSlash24s_AllReachable()
    {
        await using SimulatedWorld world = await SimulatedWorld.StartAsync(new SimulatedWorldOptions
        {
            BaseAddress = IPAddress.Parse("127.0.10.1"),
            UpstreamCount = 1000,
            RequireCredentials = false,
        }, Timeout);
        using var countries = new DatabaseReader(world.CountryDatabasePath);

        SimulatedUpstream[] sample = [.. world.Upstreams.Where((_, i) => i % 97 == 0), world.Upstreams[^1]];
        string[] seen = await Task.WhenAll(sample.Select(async upstream =>
        {
            var proxy = new WebProxy(new Uri($"{upstream.Endpoint.SchemeName}://{upstream.Endpoint.Host}:{upstream.Endpoint.Port}"));
            using var client = new HttpClient(new SocketsHttpHandler { Proxy = proxy, UseProxy = true });
            return await client.GetStringAsync(world.Origin.HttpUrl, Timeout);
        }));

        Assert.Equal("127.0.13.232", world.Upstreams[^1].ExitAddress.ToString());
        Assert.Equal(sample.Select(u => u.ExitAddress.ToString()), seen);
        Assert.All(world.Upstreams, u => Assert.Equal(u.Country, countries.Country(u.ExitAddress).Country.IsoCode));
    }

    [Fact]
    public async Task DisposeAsync_ClosesUpstreamsAndDeletesItsFolder()
    {
        SimulatedWorld world = await SimulatedWorld.StartAsync(Options("127.0.2.161", 4), Timeout);
        IPEndPoint upstream = world.Upstreams[0].Proxy.ListenEndPoint;
        string folder = world.DataDirectory;

        await world.DisposeAsync();

        Assert.False(Directory.Exists(folder));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        SocketException refused = await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(upstream, Timeout).AsTask());
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task StartAsync_AddressesLeavingLoopback_Refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => SimulatedWorld.StartAsync(Options("127.255.255.250", 24)));
        await Assert.ThrowsAsync<ArgumentException>(() => SimulatedWorld.StartAsync(Options("10.0.0.1", 2)));
    }

    [Fact]
    public async Task LoopbackAlias_BoundAsSourceAddress_IsWhatThePeerSees()
    {
        // Linux routes all of 127.0.0.0/8 to lo: any 127.x address can be bound without configuration.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Bind(new IPEndPoint(IPAddress.Parse("127.0.1.250"), 0));

        await client.ConnectAsync(listener.LocalEndPoint!, Timeout);
        using Socket accepted = await listener.AcceptAsync(Timeout);

        Assert.Equal(IPAddress.Parse("127.0.1.250"), ((IPEndPoint)accepted.RemoteEndPoint!).Address);
    }
}
