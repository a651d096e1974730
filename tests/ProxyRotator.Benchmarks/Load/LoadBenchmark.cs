using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Gateway.Listening;
using ProxyRotator.Hosting;
using ProxyRotator.Simulation.World;

namespace ProxyRotator.Benchmarks.Load;

/// <summary>
/// End-to-end load through the real product on a simulated pool, each figure next to the same load sent
/// straight through one simulated upstream (the "one-hop" limit), measured in the same run:
/// keep-alive absolute-form GETs, a new CONNECT tunnel per request, and bulk 100 KB transfers.
/// <c>dotnet run -c Release --project tests/ProxyRotator.Benchmarks -- load [--seconds S] [--concurrency C] [--upstreams N]</c>
/// </summary>
public static class LoadBenchmark
{
    private const int BulkBytes = 100 * 1024;

    public static async Task<int> RunAsync(string[] args)
    {
        TimeSpan duration = TimeSpan.FromSeconds(Option(args, "--seconds", 3));
        int concurrency = Option(args, "--concurrency", 16);
        int upstreams = Option(args, "--upstreams", 16);
        string dir = Path.Combine(Path.GetTempPath(), "proxyrotator-load-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var worldOptions = new SimulatedWorldOptions { UpstreamCount = upstreams, DataDirectory = Path.Combine(dir, "world") };
            worldOptions.Schemes.Clear();
            worldOptions.Schemes.Add(UpstreamScheme.Http);
            await using SimulatedWorld world = await SimulatedWorld.StartAsync(worldOptions);
            var config = new ProxyRotatorConfig
            {
                Database = $"Data Source={Path.Combine(dir, "load.db")}",
                Gateway = new GatewayOptions { Listen = ["127.0.0.1:0"], MaxConnections = 100_000 },
                Admin = new AdminOptions { Listen = "127.0.0.1:0", ApiKey = "load" },
                Users = [new UserOptions { Name = "load", Password = "load-pass" }],
            };
            world.ApplyTo(config);
            config.HealthCheck.Interval = TimeSpan.FromHours(1);
            await using ProxyRotatorApp app = ProxyRotatorApp.Create(config, new ProxyRotatorAppOptions { MinimumLogLevel = LogLevel.Error });
            await app.StartAsync(CancellationToken.None);

            IPEndPoint gateway = app.Services.GetRequiredService<GatewayListenerRegistry>().BoundEndpoints[0];
            UpstreamEndpoint oneHop = world.Upstreams[0].Endpoint;
            var viaGateway = new ProxyTarget(gateway, Basic("load", "load-pass"));
            var viaOneHop = new ProxyTarget(new IPEndPoint(IPAddress.Parse(oneHop.Host), oneHop.Port), Basic(oneHop.Username!, oneHop.Password!));
            Uri origin = world.Origin.HttpUrl;

            Console.WriteLine($"Load benchmark: {upstreams} simulated HTTP upstreams, concurrency {concurrency}, {duration.TotalSeconds:0.#} s per measurement, {Environment.ProcessorCount} cores");
            Console.WriteLine($"{"scenario",-34} {"gateway",14} {"one-hop",14} {"ratio",7}");
            await CompareAsync("keep-alive GET (requests/s)", t => KeepAliveAsync(t, new Uri(origin, "ip"), concurrency, duration), viaGateway, viaOneHop, 1);
            await CompareAsync("CONNECT per request (tunnels/s)", t => TunnelPerRequestAsync(t, origin, concurrency, duration), viaGateway, viaOneHop, 1);
            await CompareAsync("bulk 100 KB GET (MB/s)", t => KeepAliveAsync(t, new Uri(origin, $"bytes/{BulkBytes}"), concurrency, duration), viaGateway, viaOneHop, BulkBytes / 1e6);
            await app.StopAsync(CancellationToken.None);
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // temp folder
            }
        }
    }

    private static async Task CompareAsync(string name, Func<ProxyTarget, Task<(long Count, TimeSpan Elapsed)>> run, ProxyTarget gateway, ProxyTarget oneHop, double unit)
    {
        // A short warm-up of each path (JIT, connection pools), then the measured runs back to back.
        await run(gateway with { Warmup = true });
        await run(oneHop with { Warmup = true });
        (long gatewayCount, TimeSpan gatewayTime) = await run(gateway);
        (long oneHopCount, TimeSpan oneHopTime) = await run(oneHop);
        double gatewayRate = gatewayCount * unit / gatewayTime.TotalSeconds;
        double oneHopRate = oneHopCount * unit / oneHopTime.TotalSeconds;
        Console.WriteLine($"{name,-34} {gatewayRate,14:N1} {oneHopRate,14:N1} {gatewayRate / oneHopRate,7:0.00}");
    }

    private static async Task<(long, TimeSpan)> KeepAliveAsync(ProxyTarget target, Uri url, int concurrency, TimeSpan duration)
    {
        using var handler = new SocketsHttpHandler
        {
            Proxy = new WebProxy($"http://{target.Endpoint}"),
            UseProxy = true,
            MaxConnectionsPerServer = concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.ProxyAuthorization = AuthenticationHeaderValue.Parse(target.Authorization);
        return await LoopAsync(target, concurrency, duration, async ct =>
        {
            using HttpResponseMessage response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            response.EnsureSuccessStatusCode();
            await using Stream body = await response.Content.ReadAsStreamAsync(ct);
            await body.CopyToAsync(Stream.Null, ct);
        });
    }

    private static Task<(long, TimeSpan)> TunnelPerRequestAsync(ProxyTarget target, Uri origin, int concurrency, TimeSpan duration)
    {
        string authority = $"{origin.Host}:{origin.Port}";
        byte[] connect = Encoding.ASCII.GetBytes($"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\nProxy-Authorization: {target.Authorization}\r\n\r\n");
        byte[] get = Encoding.ASCII.GetBytes($"GET /ip HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
        return LoopAsync(target, concurrency, duration, async ct =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(target.Endpoint, ct);
            await socket.SendAsync(connect, ct);
            byte[] buffer = new byte[4096];
            int read = await ReadHeadAsync(socket, buffer, ct);
            if (read < 12 || buffer[9] != '2')
            {
                throw new IOException("CONNECT refused: " + Encoding.ASCII.GetString(buffer, 0, Math.Min(read, 40)));
            }

            await socket.SendAsync(get, ct);
            while (await socket.ReceiveAsync(buffer, ct) > 0)
            {
            }
        });
    }

    private static async Task<int> ReadHeadAsync(Socket socket, byte[] buffer, CancellationToken ct)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = await socket.ReceiveAsync(buffer.AsMemory(total), ct);
            if (read == 0)
            {
                break;
            }

            total += read;
            if (buffer.AsSpan(0, total).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }

        return total;
    }

    private static async Task<(long, TimeSpan)> LoopAsync(ProxyTarget target, int concurrency, TimeSpan duration, Func<CancellationToken, Task> operation)
    {
        TimeSpan length = target.Warmup ? TimeSpan.FromMilliseconds(500) : duration;
        using var stop = new CancellationTokenSource(length);
        long completed = 0;
        var watch = Stopwatch.StartNew();
        Task[] workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await operation(stop.Token);
                    Interlocked.Increment(ref completed);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }).ToArray();
        await Task.WhenAll(workers);
        return (completed, watch.Elapsed);
    }

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    private static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out int value) ? value : fallback;
    }

    private sealed record ProxyTarget(IPEndPoint Endpoint, string Authorization)
    {
        public bool Warmup { get; init; }
    }
}
