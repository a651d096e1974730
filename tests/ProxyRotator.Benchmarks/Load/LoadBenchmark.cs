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
/// keep-alive absolute-form GETs, a new CONNECT tunnel per request, and bulk 100 KB transfers. Two more scenarios
/// (<see cref="SessionLoad"/>): <c>sessions</c> sets a new sticky session per request and requests on existing
/// sessions beside plain rotation, and <c>locked</c> compares p99 latency with SQLite's write lock held by another
/// connection to p99 without.
/// <c>dotnet run -c Release --project tests/ProxyRotator.Benchmarks -- load [--isolate] [--seconds S] [--warmup S] [--rounds N] [--verbose] [--concurrency C] [--upstreams N] [--scenario keepalive|connect|bulk|sessions|locked] [--lock-seconds S] [--path gateway|one-hop] [--access-log] [--tracing]</c>.
/// <c>--access-log</c> and <c>--tracing</c> switch those features on in the in-process gateway, to measure their cost.
/// <c>--isolate</c> runs the gateway as <c>proxyrotator serve</c> on a CPU of its own (see <see cref="ServeProcessGateway"/>).
/// </summary>
public static class LoadBenchmark
{
    private const int BulkBytes = 100 * 1024;

    private const string PinnedVariable = "PROXYROTATOR_LOAD_PINNED";
    private const string GatewayCpusVariable = "PROXYROTATOR_LOAD_GATEWAY_CPUS";
    private const string LoadCpusVariable = "PROXYROTATOR_LOAD_CPUS";

    public static async Task<int> RunAsync(string[] args)
    {
        bool isolate = args.Contains("--isolate");
        if (isolate && Environment.GetEnvironmentVariable(PinnedVariable) != "1")
        {
            return await RunPinnedAsync(args);
        }

        TimeSpan duration = TimeSpan.FromSeconds(Option(args, "--seconds", 5));
        TimeSpan warmup = TimeSpan.FromSeconds(Option(args, "--warmup", 30));
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

            IAsyncDisposable gatewayHost;
            IPEndPoint gateway;
            string where;
            Func<TimeSpan>? gatewayCpu = null;
            if (isolate)
            {
                ServeProcessGateway serve = await ServeProcessGateway.StartAsync(world, dir, GatewayCpus(), "load", "load-pass");
                (gatewayHost, gateway) = (serve, serve.Endpoint);
                gatewayCpu = serve.CpuTime;
                where = $"gateway: `proxyrotator serve` pinned to CPU {GatewayCpus()}; client, upstreams and origin pinned to CPU {LoadCpus()}";
            }
            else
            {
                ProxyRotatorApp app = await StartInProcessAsync(world, dir, args.Contains("--access-log"), args.Contains("--tracing"));
                (gatewayHost, gateway) = (app, app.Services.GetRequiredService<GatewayListenerRegistry>().BoundEndpoints[0]);
                where = "gateway in-process, sharing every CPU with the client, upstreams and origin";
            }

            await using (gatewayHost)
            {
                UpstreamEndpoint oneHop = world.Upstreams[0].Endpoint;
                var viaGateway = new ProxyTarget(gateway, Basic("load", "load-pass"), warmup)
                {
                    Rounds = Math.Max(1, Option(args, "--rounds", 3)),
                    Verbose = args.Contains("--verbose"),
                };
                var viaOneHop = new ProxyTarget(new IPEndPoint(IPAddress.Parse(oneHop.Host), oneHop.Port), Basic(oneHop.Username!, oneHop.Password!), warmup);
                Uri origin = world.Origin.HttpUrl;

                Console.WriteLine($"Load benchmark: {upstreams} simulated HTTP upstreams, concurrency {concurrency}, {warmup.TotalSeconds:0.#} s warm-up, median of {viaGateway.Rounds} rounds of {duration.TotalSeconds:0.#} s per path, {(isolate ? "isolated CPUs" : Environment.ProcessorCount + " cores, shared")}");
                Console.WriteLine(where);
                Console.WriteLine($"{"scenario",-34} {"gateway",14} {"one-hop",14} {"ratio",7}{(gatewayCpu is null ? "" : $" {"gateway CPU/op",16}")}");
                string scenario = OptionText(args, "--scenario", "all");
                string path = OptionText(args, "--path", "both");
                if (scenario is "all" or "keepalive")
                {
                    await CompareAsync("keep-alive GET (requests/s)", t => KeepAliveAsync(t, new Uri(origin, "ip"), concurrency, duration), viaGateway, viaOneHop, 1, path, gatewayCpu);
                }

                if (scenario is "all" or "connect")
                {
                    await CompareAsync("CONNECT per request (tunnels/s)", t => TunnelPerRequestAsync(t, origin, concurrency, duration), viaGateway, viaOneHop, 1, path, gatewayCpu);
                }

                if (scenario is "all" or "bulk")
                {
                    await CompareAsync("bulk 100 KB GET (MB/s)", t => KeepAliveAsync(t, new Uri(origin, $"bytes/{BulkBytes}"), concurrency, duration), viaGateway, viaOneHop, BulkBytes / 1e6, path, gatewayCpu);
                }

                if (scenario is "all" or "sessions")
                {
                    await SessionLoad.CompareAsync(gateway, "load", "load-pass", new Uri(origin, "ip"), concurrency, duration, warmup, viaGateway.Rounds);
                }

                if (scenario is "locked")
                {
                    string database = Path.Combine(dir, isolate ? "serve.db" : "load.db");
                    await SessionLoad.LockedAsync(gateway, "load", "load-pass", new Uri(origin, "ip"), concurrency, TimeSpan.FromSeconds(Option(args, "--lock-seconds", 15)), warmup, database);
                }

                if (gatewayHost is ProxyRotatorApp app)
                {
                    await app.StopAsync(CancellationToken.None);
                }
            }

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

    private static async Task<ProxyRotatorApp> StartInProcessAsync(SimulatedWorld world, string dir, bool accessLog, bool tracing)
    {
        var config = new ProxyRotatorConfig
        {
            Database = $"Data Source={Path.Combine(dir, "load.db")}",
            Gateway = new GatewayOptions { Listen = ["127.0.0.1:0"], MaxConnections = 100_000 },
            Admin = new AdminOptions { Listen = "127.0.0.1:0", ApiKey = "load" },
            Users = [new UserOptions { Name = "load", Password = "load-pass" }],
            Sessions = new SessionOptions { MaxPerAccount = SessionLoad.SessionCap, MaxTotal = SessionLoad.SessionCap },
        };
        world.ApplyTo(config);
        config.HealthCheck.Interval = TimeSpan.FromHours(1);

        // What the observability features cost per request: the access log to a file, and every request traced and
        // exported over OTLP (to a port where nothing listens: the export fails, the spans are still made and sent).
        config.AccessLog.Enabled = accessLog;
        config.AccessLog.Path = Path.Combine(dir, "access.log");
        config.Tracing.Enabled = tracing;
        config.Tracing.Endpoint = new Uri($"http://127.0.0.1:{ClosedPort()}");
        ProxyRotatorApp app = ProxyRotatorApp.Create(config, new ProxyRotatorAppOptions { MinimumLogLevel = LogLevel.Error });
        await app.StartAsync(CancellationToken.None);
        return app;
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // The last CPU for the gateway, the others for everything else. Counted by the unpinned parent (a pinned
    // process sees only its own CPUs) and handed down.
    private static string GatewayCpus() =>
        Environment.GetEnvironmentVariable(GatewayCpusVariable) ?? (Environment.ProcessorCount - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string LoadCpus() =>
        Environment.GetEnvironmentVariable(LoadCpusVariable) ?? (Environment.ProcessorCount <= 2 ? "0" : $"0-{Environment.ProcessorCount - 2}");

    /// <summary>Runs this benchmark again pinned to the load CPUs (threads inherit the affinity from the start).</summary>
    private static async Task<int> RunPinnedAsync(string[] args)
    {
        if (Environment.ProcessorCount < 2)
        {
            Console.Error.WriteLine("--isolate needs at least 2 CPUs");
            return 2;
        }

        var start = new System.Diagnostics.ProcessStartInfo("taskset") { UseShellExecute = false };
        foreach (string arg in new[] { "-c", LoadCpus(), "dotnet", typeof(LoadBenchmark).Assembly.Location, "load" }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment[PinnedVariable] = "1";
        start.Environment[GatewayCpusVariable] = GatewayCpus();
        start.Environment[LoadCpusVariable] = LoadCpus();
        System.Diagnostics.Process? child;
        try
        {
            child = System.Diagnostics.Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Console.Error.WriteLine($"--isolate pins processes with taskset (Linux, util-linux), which could not be started: {ex.Message}");
            return 2;
        }

        using (child ?? throw new InvalidOperationException("could not start taskset"))
        {
            await child.WaitForExitAsync();
            return child.ExitCode;
        }
    }

    private static async Task CompareAsync(string name, Func<ProxyTarget, Task<(long Count, TimeSpan Elapsed)>> run, ProxyTarget gateway, ProxyTarget oneHop, double unit, string path, Func<TimeSpan>? gatewayCpu)
    {
        if (path is "gateway" or "one-hop")
        {
            await run((path == "gateway" ? gateway : oneHop) with { Warmup = true });
            // One path only, for profiling it (attach dotnet-trace to this process).
            (long count, TimeSpan time) = await run(path == "gateway" ? gateway : oneHop);
            Console.WriteLine($"{name,-34} {path,-8} {count * unit / time.TotalSeconds,14:N1}");
            return;
        }

        // A warm-up of each path (tiered JIT, connection pools), then rounds of the two measured runs back to back;
        // the machine is shared and noisy, so the median round is printed (and each round with --verbose).
        await run(gateway with { Warmup = true });
        await run(oneHop with { Warmup = true });
        var rounds = new List<(double Gateway, double OneHop, double CpuPerOp)>();
        for (int round = 0; round < gateway.Rounds; round++)
        {
            TimeSpan cpuBefore = gatewayCpu?.Invoke() ?? TimeSpan.Zero;
            (long gatewayCount, TimeSpan gatewayTime) = await run(gateway);
            TimeSpan cpuUsed = (gatewayCpu?.Invoke() ?? TimeSpan.Zero) - cpuBefore;
            (long oneHopCount, TimeSpan oneHopTime) = await run(oneHop);
            rounds.Add((gatewayCount * unit / gatewayTime.TotalSeconds, oneHopCount * unit / oneHopTime.TotalSeconds,
                cpuUsed.TotalMicroseconds / Math.Max(1, gatewayCount)));
            if (gateway.Verbose)
            {
                Print($"  round {round + 1}", rounds[^1], gatewayCpu is not null);
            }
        }

        Print(name, rounds.OrderBy(r => r.Gateway / r.OneHop).ElementAt(rounds.Count / 2), gatewayCpu is not null);
    }

    // With the gateway in its own process, its CPU time per operation (user + system) is measured directly.
    private static void Print(string name, (double Gateway, double OneHop, double CpuPerOp) r, bool withCpu) =>
        Console.WriteLine($"{name,-34} {r.Gateway,14:N1} {r.OneHop,14:N1} {r.Gateway / r.OneHop,7:0.00}{(withCpu ? $" {r.CpuPerOp,13:N0} µs" : "")}");

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
        // The warm-up lets tiered compilation reach its optimised code and fills the connection pools.
        TimeSpan length = target.Warmup ? target.WarmupLength : duration;
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

    private static string OptionText(string[] args, string name, string fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }

    private static int Option(string[] args, string name, int fallback) =>
        int.TryParse(OptionText(args, name, string.Empty), out int value) ? value : fallback;

    private sealed record ProxyTarget(IPEndPoint Endpoint, string Authorization, TimeSpan WarmupLength)
    {
        public int Rounds { get; init; } = 1;

        public bool Verbose { get; init; }

        public bool Warmup { get; init; }
    }
}
