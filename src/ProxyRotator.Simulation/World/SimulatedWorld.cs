using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Simulation.GeoIp;
using ProxyRotator.Simulation.Origin;
using ProxyRotator.Simulation.Upstreams;

namespace ProxyRotator.Simulation.World;

/// <summary>
/// A local internet for tests and the <c>demo</c> command: N upstream proxies on their own loopback addresses
/// (127.0.1.1, 127.0.1.2, ...) with a spread of schemes, types and countries, an IP-echo origin, and GeoIP
/// databases (Country, City, Connection-Type) whose records match each upstream's exit address.
/// </summary>
public sealed class SimulatedWorld : IAsyncDisposable
{
    private readonly SimulatedWorldOptions _options;
    private readonly List<SimulatedUpstream> _upstreams = [];
    private readonly Dictionary<IPAddress, (string? Country, string? ConnectionType)> _geoOverrides = [];
    private readonly List<(IPAddress Network, int PrefixLength, string Country)> _geoNetworks = [];
    private readonly Lock _gate = new();
    private readonly bool _ownsDataDirectory;
    private IpEchoOrigin? _origin;

    private SimulatedWorld(SimulatedWorldOptions options)
    {
        _options = options;
        _ownsDataDirectory = options.DataDirectory is null;
        DataDirectory = options.DataDirectory ?? Path.Combine(Path.GetTempPath(), "proxyrotator-world-" + Guid.NewGuid().ToString("N"));
    }

    public IReadOnlyList<SimulatedUpstream> Upstreams => _upstreams;

    public IpEchoOrigin Origin => _origin ?? throw new InvalidOperationException("The world is not started.");

    public string DataDirectory { get; }

    public string CountryDatabasePath => Path.Combine(DataDirectory, "GeoLite2-Country.mmdb");

    public string CityDatabasePath => Path.Combine(DataDirectory, "GeoLite2-City.mmdb");

    public string ConnectionTypeDatabasePath => Path.Combine(DataDirectory, "GeoIP2-Connection-Type.mmdb");

    /// <summary>Starts the origin and every upstream, and writes the GeoIP databases.</summary>
    public static async Task<SimulatedWorld> StartAsync(SimulatedWorldOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SimulatedWorldOptions();
        Validate(options);
        var world = new SimulatedWorld(options);
        try
        {
            await world.StartCoreAsync(cancellationToken).ConfigureAwait(false);
            return world;
        }
        catch
        {
            await world.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The upstream whose exit address an IP-echo answer (or a GeoIP record) names; null if none.</summary>
    public SimulatedUpstream? FindByExitAddress(string exitAddress) =>
        IPAddress.TryParse(exitAddress.Trim(), out IPAddress? address) ? _upstreams.Find(u => u.ExitAddress.Equals(address)) : null;

    /// <summary>The upstreams as static proxy entries, each tagged with its declared type, country and city.</summary>
    public List<ProxyEntryOptions> CreateProxyEntries() => [.. _upstreams.Select(u => u.ToProxyEntry())];

    /// <summary>One pool (<see cref="SimulatedWorldOptions.PoolName"/>) holding every upstream.</summary>
    public List<PoolOptions> CreatePools() =>
    [
        new PoolOptions { Name = _options.PoolName, Type = UpstreamType.Residential, Proxies = CreateProxyEntries() },
    ];

    public GeoIpOptions CreateGeoIpOptions() => new() { CountryDb = CountryDatabasePath, ConnectionTypeDb = ConnectionTypeDatabasePath };

    /// <summary>
    /// Points a configuration at this world: its pools, its GeoIP databases, its echo origin as the health-check
    /// URL, and private targets allowed (everything here is on loopback).
    /// </summary>
    public void ApplyTo(ProxyRotatorConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Pools = CreatePools();
        config.GeoIp = CreateGeoIpOptions();
        config.HealthCheck.Url = Origin.HttpUrl.ToString();
        config.Gateway.AllowPrivateTargets = true;
    }

    /// <summary>
    /// Places whole networks in countries in the GeoIP databases (residential, Cable/DSL), e.g. a simulated backconnect
    /// gateway's exit networks, so health probes verify its exits; rewrites the databases at once.
    /// </summary>
    public void AddGeoNetworks(IEnumerable<(IPAddress Network, int PrefixLength, string Country)> networks)
    {
        ArgumentNullException.ThrowIfNull(networks);
        lock (_gate)
        {
            _geoNetworks.AddRange(networks);
            WriteDatabases();
        }
    }

    /// <summary>
    /// Makes the GeoIP databases disagree with an address's declared facts (null keeps the declared value), and
    /// rewrites them at once. Readers opened earlier keep the old contents; reopen to see the change.
    /// </summary>
    public void OverrideGeo(IPAddress exitAddress, string? country = null, string? connectionType = null)
    {
        ArgumentNullException.ThrowIfNull(exitAddress);
        lock (_gate)
        {
            _geoOverrides[exitAddress] = (country, connectionType);
            WriteDatabases();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_upstreams.Select(u => u.Proxy.DisposeAsync().AsTask())).ConfigureAwait(false);
        if (_origin is not null)
        {
            await _origin.DisposeAsync().ConfigureAwait(false);
        }

        if (_ownsDataDirectory && Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        _origin = await IpEchoOrigin.StartAsync(_options.Origin, cancellationToken).ConfigureAwait(false);
        uint first = ToUInt32(_options.BaseAddress);
        int typeCount = _options.Types.Count;
        for (int i = 0; i < _options.UpstreamCount; i++)
        {
            UpstreamType type = _options.Types[i % typeCount];
            string country = _options.Countries[i / typeCount % _options.Countries.Count].ToUpperInvariant();
            string[] cities = CitiesOf(country);
            string city = cities[i % typeCount % cities.Length];

            // Alternate schemes within a country and shift by country, so every country and type sees both.
            UpstreamScheme scheme = _options.Schemes[(i + (i / typeCount)) % _options.Schemes.Count];
            var proxy = SimulatedUpstreamProxy.Start(new SimulatedUpstreamOptions
            {
                ListenAddress = ToAddress(first + (uint)i),
                Scheme = scheme,
                Username = _options.RequireCredentials ? $"user{i + 1}" : null,
                Password = _options.RequireCredentials ? $"pw{i + 1}-{RandomNumberGenerator.GetHexString(8, lowercase: true)}" : null,
                ConnectTimeout = _options.UpstreamConnectTimeout,
            });
            _upstreams.Add(new SimulatedUpstream(i + 1, proxy, type, country, city));
        }

        Directory.CreateDirectory(DataDirectory);
        lock (_gate)
        {
            WriteDatabases();
        }
    }

    private void WriteDatabases()
    {
        var country = new MmdbWriter(GeoIpRecords.CountryDatabaseType, "ProxyRotator simulated world");
        var city = new MmdbWriter(GeoIpRecords.CityDatabaseType, "ProxyRotator simulated world");
        var connectionType = new MmdbWriter(GeoIpRecords.ConnectionTypeDatabaseType, "ProxyRotator simulated world");
        foreach (SimulatedUpstream upstream in _upstreams)
        {
            _geoOverrides.TryGetValue(upstream.ExitAddress, out (string? Country, string? ConnectionType) geo);
            string isoCode = geo.Country ?? upstream.Country;
            country.Insert(upstream.ExitAddress, 32, GeoIpRecords.Country(isoCode));
            city.Insert(upstream.ExitAddress, 32, isoCode == upstream.Country
                ? GeoIpRecords.City(isoCode, CityDisplayName(upstream.City))
                : GeoIpRecords.Country(isoCode));
            connectionType.Insert(upstream.ExitAddress, 32, GeoIpRecords.ConnectionType(geo.ConnectionType ?? upstream.ConnectionType));
        }

        // Addresses that are not upstreams can be overridden too (e.g. to place a stranger somewhere).
        foreach ((IPAddress address, (string? isoCode, string? type)) in _geoOverrides)
        {
            if (_upstreams.Any(u => u.ExitAddress.Equals(address)))
            {
                continue;
            }

            int bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            if (isoCode is not null)
            {
                country.Insert(address, bits, GeoIpRecords.Country(isoCode));
                city.Insert(address, bits, GeoIpRecords.Country(isoCode));
            }

            if (type is not null)
            {
                connectionType.Insert(address, bits, GeoIpRecords.ConnectionType(type));
            }
        }

        foreach ((IPAddress network, int prefixLength, string isoCode) in _geoNetworks)
        {
            country.Insert(network, prefixLength, GeoIpRecords.Country(isoCode));
            city.Insert(network, prefixLength, GeoIpRecords.Country(isoCode));
            connectionType.Insert(network, prefixLength, GeoIpRecords.ConnectionType("Cable/DSL"));
        }

        country.WriteTo(CountryDatabasePath);
        city.WriteTo(CityDatabasePath);
        connectionType.WriteTo(ConnectionTypeDatabasePath);
    }

    /// <summary>Two cities per country, in the targeting form (lower case, <c>_</c> for spaces).</summary>
    private static string[] CitiesOf(string country) => country switch
    {
        "US" => ["new_york", "los_angeles"],
        "DE" => ["berlin", "munich"],
        "GB" => ["london", "manchester"],
        "FR" => ["paris", "lyon"],
        "JP" => ["tokyo", "osaka"],
        "BR" => ["sao_paulo", "rio_de_janeiro"],
        _ => [country.ToLowerInvariant() + "_city"],
    };

    /// <summary>"sao_paulo" → "Sao Paulo", as GeoIP names cities.</summary>
    private static string CityDisplayName(string city) =>
        CultureInfo.InvariantCulture.TextInfo.ToTitleCase(city.Replace('_', ' '));

    private static void Validate(SimulatedWorldOptions options)
    {
        if (options.UpstreamCount < 0 || options.Types.Count == 0 || options.Countries.Count == 0 || options.Schemes.Count == 0)
        {
            throw new ArgumentException("A world needs a non-negative upstream count and at least one type, country and scheme.", nameof(options));
        }

        uint first = ToUInt32(options.BaseAddress);
        uint last = first + (uint)Math.Max(0, options.UpstreamCount - 1);
        if (options.BaseAddress.AddressFamily != AddressFamily.InterNetwork || first >> 24 != 127 || last >> 24 != 127 || last < first)
        {
            throw new ArgumentException($"Upstream addresses from {options.BaseAddress} for {options.UpstreamCount} upstreams leave 127.0.0.0/8.", nameof(options));
        }
    }

    private static uint ToUInt32(IPAddress address)
    {
        byte[] bytes = address.GetAddressBytes();
        return bytes.Length == 4 ? (uint)((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) : 0;
    }

    private static IPAddress ToAddress(uint value) =>
        new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
}
