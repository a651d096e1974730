using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ProxyRotator.AdminClient;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Listening;
using ProxyRotator.Hosting;
using ProxyRotator.Simulation.Tls;
using ProxyRotator.Simulation.World;

namespace ProxyRotator.Commands;

/// <summary>
/// <c>demo [--upstreams N]</c>: <c>serve</c> on a built-in local world — N simulated upstream proxies on
/// 127.0.1.x (each exiting from its own address, tagged with a spread of types and countries), an IP-echo
/// origin and matching GeoIP databases — with a fresh SQLite file, a generated password and API key, a throw-away
/// CA and gateway certificate (TLS to the gateway), and ready-to-paste curl lines. Runs until Ctrl-C.
/// </summary>
public static class DemoCommand
{
    private const string Account = "demo";
    private const string PoolName = "simulated";
    private const string ProvidersPool = "providers";

    public static Command Create()
    {
        var upstreams = new Option<int>("--upstreams") { Description = "Number of simulated upstream proxies (1-250)", DefaultValueFactory = _ => 24 };
        var port = new Option<int>("--port") { Description = "Gateway port (0 picks a free one; 8080 falls back to a free one when taken)", DefaultValueFactory = _ => 8080 };
        var directory = new Option<string?>("--data-dir") { Description = "Where the SQLite file and GeoIP databases go (default: a new temp folder, removed on exit)" };
        var command = new Command("demo", "Run the product on a built-in local world of simulated upstreams and print curl lines to try");
        command.Options.Add(upstreams);
        command.Options.Add(port);
        command.Options.Add(directory);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            int count = parseResult.GetValue(upstreams);
            if (count is < 1 or > 250)
            {
                await Console.Error.WriteLineAsync("--upstreams: expected 1 to 250");
                return ExitCodes.UsageError;
            }

            string? dataDir = parseResult.GetValue(directory);
            bool ownsDirectory = dataDir is null;
            dataDir ??= Path.Combine(Path.GetTempPath(), "proxyrotator-demo-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(dataDir);
            try
            {
                return await RunAsync(count, parseResult.GetValue(port), Path.GetFullPath(dataDir), cancellationToken);
            }
            finally
            {
                if (ownsDirectory)
                {
                    TryDelete(dataDir);
                }
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(int upstreamCount, int gatewayPort, string dataDir, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => Stop(signal, stop));
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => Stop(signal, stop));

        await using SimulatedWorld world = await SimulatedWorld.StartAsync(
            new SimulatedWorldOptions { UpstreamCount = upstreamCount, DataDirectory = Path.Combine(dataDir, "world"), PoolName = PoolName }, stop.Token);
        await using DemoProviders providers = DemoProviders.Start(world);

        string password = Secret(12);
        string apiKey = Secret(24);
        var config = new ProxyRotatorConfig
        {
            Database = $"Data Source={Path.Combine(dataDir, "proxyrotator-demo.db")}",
            Gateway = new GatewayOptions { Listen = [$"127.0.0.1:{FreeOr(gatewayPort)}"] },
            Admin = new AdminOptions { Listen = $"127.0.0.1:{FreeOr(gatewayPort == 0 ? 0 : gatewayPort + 1)}", ApiKey = apiKey },
            Users = [new UserOptions { Name = Account, Password = password, Pools = ["*"] }],
        };
        world.ApplyTo(config);
        config.Pools[0].Cost = new UpstreamCost(PerGb: 0.5m, PerRequest: null);
        config.Pools.Add(providers.CreatePool(ProvidersPool));
        string caPath = WriteThrowAwayCertificates(Path.Combine(dataDir, "tls"), config.Gateway);
        config.HealthCheck.Interval = TimeSpan.FromSeconds(30);

        await using ProxyRotatorApp app = ProxyRotatorApp.Create(config, new ProxyRotatorAppOptions { MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Warning });
        try
        {
            await app.StartAsync(stop.Token);
            PrintGuide(app, world, providers, password, apiKey, dataDir, caPath);
            await app.Web.WaitForShutdownAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Ctrl-C before or while running: a clean stop.
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// A CA made for this run only and a gateway certificate it signs for 127.0.0.1/localhost, as PEM files in the
    /// demo's folder; the gateway takes TLS on its port with them. Returns the CA file (curl's <c>--proxy-cacert</c>).
    /// </summary>
    private static string WriteThrowAwayCertificates(string directory, GatewayOptions gateway)
    {
        Directory.CreateDirectory(directory);
        using ThrowAwayCertificateAuthority authority = ThrowAwayCertificateAuthority.Create(TimeProvider.System, "ProxyRotator demo CA (throw-away)");
        string caPath = Path.Combine(directory, "ca.pem");
        authority.WriteCertificatePem(caPath);
        string certificatePath = Path.Combine(directory, "gateway.pem");
        string keyPath = Path.Combine(directory, "gateway-key.pem");
        authority.WriteServerPem(certificatePath, keyPath).Dispose();
        gateway.Tls = new GatewayTlsOptions { CertificatePath = certificatePath, KeyPath = keyPath };
        return caPath;
    }

    private static void PrintGuide(ProxyRotatorApp app, SimulatedWorld world, DemoProviders providers, string password, string apiKey, string dataDir, string caPath)
    {
        IPEndPoint gateway = app.Services.GetRequiredService<GatewayListenerRegistry>().BoundEndpoints[0];
        string hostPort = $"{gateway.Address}:{gateway.Port}";
        string origin = world.Origin.HttpUrl.ToString();
        string originTls = world.Origin.HttpsUrl.ToString();
        string de = world.Upstreams.FirstOrDefault(u => u.Country == "DE")?.Country.ToLowerInvariant() ?? world.Upstreams[0].Country.ToLowerInvariant();
        string sessionId = "demo" + RandomNumberGenerator.GetInt32(1000, 9999);

        Console.WriteLine($"""

            ProxyRotator demo: {world.Upstreams.Count} simulated upstreams on {world.Upstreams[0].ExitAddress}..{world.Upstreams[^1].ExitAddress} (pool {PoolName}), echo origin {origin}
              gateway (HTTP proxy + CONNECT + SOCKS5, plain or inside TLS): {hostPort}   account: {Account}   password: {password}
              admin API: {app.AdminUri}   API key: {apiKey}
              data: {dataDir}

            # Paste this line into another shell: the README's examples use these variables (and the CLI the last two)
            export PROXY={hostPort} PASS={password} ORIGIN={origin} ORIGIN_TLS={originTls} PROXY_CA={caPath} {AdminConnectionOptions.AdminUrlVariable}={app.AdminUri} {AdminConnectionOptions.ApiKeyVariable}={apiKey}

            # Rotation: every request leaves through another upstream (the origin answers with the caller's address)
            for i in 1 2 3 4 5; do curl -s -x http://{Account}:{password}@{hostPort} {origin}; echo; done

            # Country targeting: only {de.ToUpperInvariant()} upstreams; add -type-mobile, -city-NAME, -pool-NAME the same way
            for i in 1 2 3; do curl -s -x http://{Account}-country-{de}:{password}@{hostPort} {origin}; echo; done

            # Sticky session: the same exit for 10 minutes (add -sessmode-strict to fail rather than change it)
            for i in 1 2 3; do curl -s -x http://{Account}-session-{sessionId}-sesstime-10:{password}@{hostPort} {origin}; echo; done

            # HTTPS through a CONNECT tunnel, and SOCKS5 on the same port; -D - shows X-ProxyRotator-Upstream
            curl -sk -D - -x http://{Account}:{password}@{hostPort} {originTls}
            curl -s -x socks5h://{Account}:{password}@{hostPort} {origin}; echo

            # TLS to the gateway (an HTTPS proxy: the password never crosses the network in clear), same port; the CA is this run's own
            curl -s --proxy https://{Account}:{password}@{hostPort} --proxy-cacert {caPath} {origin}; echo
            curl -sk --proxy https://{Account}:{password}@{hostPort} --proxy-cacert {caPath} {originTls}; echo

            # Provider gateways (pool {ProvidersPool}): {providers.Describe()}.
            # Our username grammar in, each vendor's syntax out; the cheapest provider that can honour the targeting serves.
            for i in 1 2 3; do curl -s -x http://{Account}-pool-{ProvidersPool}-country-br:{password}@{hostPort} {origin}; echo; done
            curl -s -x http://{Account}-country-us-asn-7922:{password}@{hostPort} {origin}; echo
            for i in 1 2 3; do curl -s -x http://{Account}-pool-{ProvidersPool}-country-gb-session-{sessionId}-sesstime-30:{password}@{hostPort} {origin}; echo; done
            curl -s -D - -x http://{Account}-pool-{ProvidersPool}-country-de-state-bavaria:{password}@{hostPort} {origin}

            # The pool as the admin API sees it, and the spend per account and provider
            curl -s -H 'X-Api-Key: {apiKey}' {app.AdminUri}api/proxies
            curl -s -H 'X-Api-Key: {apiKey}' {app.AdminUri}api/stats

            Press Ctrl-C to stop.
            """);
    }

    // 8080 is friendly to type; a busy port must not stop the demo.
    private static int FreeOr(int port)
    {
        if (port == 0)
        {
            return 0;
        }

        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return port;
        }
        catch (SocketException)
        {
            return 0;
        }
    }

    private static string Secret(int length) =>
        RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", length);

    private static void Stop(PosixSignalContext signal, CancellationTokenSource stop)
    {
        signal.Cancel = true;
        stop.Cancel();
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it is a temp folder.
        }
        catch (UnauthorizedAccessException)
        {
            // Best effort: it is a temp folder.
        }
    }
}
