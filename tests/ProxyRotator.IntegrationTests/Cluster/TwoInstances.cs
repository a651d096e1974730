using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Configuration;
using ProxyRotator.IntegrationTests.Cli;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Simulation.World;

namespace ProxyRotator.IntegrationTests.Cluster;

/// <summary>
/// Two whole products (as two <c>serve</c> instances would run) on one fresh PostgreSQL database, in front of one
/// simulated world, each on its own free gateway and admin ports. Without <c>PROXYROTATOR_TEST_POSTGRES</c> nothing
/// starts (the tests using it are skipped). <see cref="SendAsync"/> makes one absolute-form request through an
/// instance and returns which upstream carried it.
/// </summary>
public sealed class TwoInstances : IAsyncDisposable
{
    // Holds the world's files (the GeoIP databases): an instance opens them when it first runs the health job, which
    // on the survivor may be long after start-up, so they must live as long as the cluster.
    private readonly TempDirectory _directory;
    private readonly List<HttpClient> _clients = [];

    private TwoInstances(TempDirectory directory, SimulatedWorld world, string connectionString, ProxyRotatorConfig config)
    {
        _directory = directory;
        World = world;
        ConnectionString = connectionString;
        Config = config;
    }

    public SimulatedWorld World { get; }

    public string ConnectionString { get; }

    public ProxyRotatorConfig Config { get; }

    public ProductHost A { get; private set; } = null!;

    public ProductHost B { get; private set; } = null!;

    /// <param name="subnet">Upstreams live on 127.<c>subnet</c>.0.x (distinct per test class).</param>
    public static async Task<TwoInstances> StartAsync(
        byte subnet, int upstreams = 8, Action<ProxyRotatorConfig>? configure = null, Action<IServiceCollection>? services = null)
    {
        string connectionString = await PostgresTestServer.CreateDatabaseAsync();
        var directory = new TempDirectory();
        SimulatedWorld world = await SimulatedWorld.StartAsync(new SimulatedWorldOptions
        {
            UpstreamCount = upstreams,
            BaseAddress = new IPAddress([127, subnet, 0, 1]),
            DataDirectory = directory.File("world"),
        });
        ProxyRotatorConfig config = TestConfigs.Create("unused", world.CreatePools());
        config.Database = connectionString;
        config.GeoIp = world.CreateGeoIpOptions();
        config.HealthCheck.Url = world.Origin.HttpUrl.ToString();
        configure?.Invoke(config);
        var cluster = new TwoInstances(directory, world, connectionString, config);
        cluster.A = await ProductHost.StartAsync(config, services);
        cluster.B = await ProductHost.StartAsync(config, services);
        return cluster;
    }

    /// <summary>One GET of the origin through <paramref name="instance"/> as <paramref name="username"/>: status and the upstream id that carried it.</summary>
    public async Task<(HttpStatusCode Status, long? Upstream)> SendAsync(ProductHost instance, string username, CancellationToken cancellationToken = default)
    {
        HttpClient client = ClientFor(instance);
        using var request = new HttpRequestMessage(HttpMethod.Get, World.Origin.HttpUrl);
        request.Headers.ProxyAuthorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{TestConfigs.Password}")));
        using HttpResponseMessage response = await client.SendAsync(request, cancellationToken);
        long? upstream = response.Headers.TryGetValues("X-ProxyRotator-Upstream", out IEnumerable<string>? values)
            ? long.Parse(values.First(), System.Globalization.CultureInfo.InvariantCulture)
            : null;
        return (response.StatusCode, upstream);
    }

    /// <summary>Stops instance A (drain, then stop), as an instance that goes away.</summary>
    public async Task StopAAsync() => await A.DisposeAsync();

    /// <summary>
    /// A third instance as a real <c>serve</c> process on this cluster's database, world and health settings (so it can
    /// be killed with SIGKILL, as a crashed instance); returns once its admin listener is open. The caller kills it.
    /// </summary>
    public async Task<Process> StartServeProcessAsync()
    {
        int adminPort = CliWorkspace.FreePort();
        string proxies = string.Join(", ", World.CreateProxyEntries().Select(e => JsonSerializer.Serialize(e.Endpoint.ToUri())));
        string config = _directory.File("serve.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "database": {{JsonSerializer.Serialize(ConnectionString)}},
              "gateway": { "listen": ["127.0.0.1:{{CliWorkspace.FreePort()}}"], "allowPrivateTargets": true },
              "admin": { "listen": "127.0.0.1:{{adminPort}}", "apiKey": "{{CliWorkspace.ApiKey}}" },
              "users": [ { "name": "{{TestConfigs.User}}", "password": "{{TestConfigs.Password}}" } ],
              "healthCheck": { "url": {{JsonSerializer.Serialize(Config.HealthCheck.Url)}}, "interval": "{{Config.HealthCheck.Interval.TotalSeconds}}s", "timeout": "{{Config.HealthCheck.Timeout.TotalSeconds}}s" },
              "geoip": { "countryDb": {{JsonSerializer.Serialize(Config.GeoIp.CountryDb)}}, "connectionTypeDb": {{JsonSerializer.Serialize(Config.GeoIp.ConnectionTypeDb)}} },
              "pools": [ { "name": {{JsonSerializer.Serialize(Config.Pools[0].Name)}}, "type": "residential", "proxies": [{{proxies}}] } ]
            }
            """);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _directory.Path };
        foreach (string argument in new[] { CliWorkspace.ExecutablePath(), "serve", "--config", config })
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        if (!await CliWorkspace.WaitForListenerAsync(adminPort, TimeSpan.FromSeconds(60), () => process.HasExited))
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            string error = await stderr;
            process.Dispose();
            Assert.Fail("serve did not start: " + error);
        }

        return process;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (HttpClient client in _clients)
        {
            client.Dispose();
        }

        try
        {
            await A.DisposeAsync();
        }
        catch (ObjectDisposedException)
        {
            // stopped by the test already
        }

        await B.DisposeAsync();
        await World.DisposeAsync();
        await PostgresTestServer.DropDatabaseAsync(ConnectionString);
        _directory.Dispose();
    }

    private HttpClient ClientFor(ProductHost instance)
    {
        lock (_clients)
        {
            int index = ReferenceEquals(instance, A) ? 0 : 1;
            while (_clients.Count < 2)
            {
                ProductHost host = _clients.Count == 0 ? A : B;
                _clients.Add(new HttpClient(new SocketsHttpHandler
                {
                    Proxy = new WebProxy($"http://{host.GatewayEndpoint}"),
                    UseProxy = true,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(1),
                })
                { Timeout = TimeSpan.FromSeconds(20) });
            }

            return _clients[index];
        }
    }
}
