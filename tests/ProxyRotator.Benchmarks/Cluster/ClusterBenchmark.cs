using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using ProxyRotator.Core.Cluster;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Sessions;
using ProxyRotator.Gateway.Listening;
using ProxyRotator.Health.LiveOutcomes;
using ProxyRotator.Hosting;
using ProxyRotator.Simulation.World;

namespace ProxyRotator.Benchmarks.Cluster;

/// <summary>
/// Several instances on one PostgreSQL database, in this process: two whole products (<c>serve</c> as
/// <see cref="ProxyRotatorApp"/>) over a fresh database on the server <c>--postgres</c> names, in front of one
/// simulated world. Measures (1) the shared session bind (<see cref="ISharedSessionBinding.BindAsync"/>: the one round
/// trip a new session costs) p50/p99 with one instance binding and with two binding the same new ids at once, and a
/// new session's first request through the gateway; (2) the time from a quarantine on A to B no longer picking the
/// upstream; (3) rotating requests per second through one instance against two (clients spread over both).
/// Everything shares this machine's cores, so (3) shows what a second instance costs or gains here, not on two hosts.
/// </summary>
public static class ClusterBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? server = Option(args, "--postgres") ?? Environment.GetEnvironmentVariable("PROXYROTATOR_TEST_POSTGRES");
        if (server is null)
        {
            Console.Error.WriteLine("cluster: give --postgres \"Host=…;Username=…\" (or set PROXYROTATOR_TEST_POSTGRES)");
            return 2;
        }

        int binds = int.Parse(Option(args, "--binds") ?? "2000", CultureInfo.InvariantCulture);
        int seconds = int.Parse(Option(args, "--seconds") ?? "10", CultureInfo.InvariantCulture);
        int concurrency = int.Parse(Option(args, "--concurrency") ?? "16", CultureInfo.InvariantCulture);
        string database = "prbench_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(server, $"CREATE DATABASE \"{database}\"");
        string connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database, MaxPoolSize = 200 }.ConnectionString;
        string dir = Path.Combine(Path.GetTempPath(), "proxyrotator-cluster-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using SimulatedWorld world = await SimulatedWorld.StartAsync(new SimulatedWorldOptions
            {
                UpstreamCount = 16,
                BaseAddress = new IPAddress([127, 42, 0, 1]),
                DataDirectory = Path.Combine(dir, "world"),
            });
            var config = new ProxyRotatorConfig
            {
                Database = connectionString,
                Gateway = new GatewayOptions { Listen = ["127.0.0.1:0"], MaxConnections = 100_000, AllowPrivateTargets = true },
                Admin = new AdminOptions { Listen = "127.0.0.1:0", ApiKey = "cluster-bench" },
                Users = [new UserOptions { Name = "bench", Password = "bench-pass" }],
                // The shared timeout as --shared-timeout says (default 2 s, so the figures are the database's, not the fallback's).
                Sessions = new SessionOptions
                {
                    MaxPerAccount = 1_000_000,
                    MaxTotal = 1_000_000,
                    SharedTimeout = TimeSpan.FromMilliseconds(int.Parse(Option(args, "--shared-timeout-ms") ?? "2000", CultureInfo.InvariantCulture)),
                },
            };
            world.ApplyTo(config);
            config.HealthCheck.Interval = TimeSpan.FromHours(1);
            await using ProxyRotatorApp a = await StartAsync(config);
            await using ProxyRotatorApp b = await StartAsync(config);
            Console.WriteLine($"PostgreSQL {await ScalarAsync(server, "SHOW server_version")}, 2 instances in one process, {Environment.ProcessorCount} cores, 16 simulated upstreams");

            await BindLatencyAsync(a, b, binds);
            await FirstRequestLatencyAsync(a, b, world, Math.Max(200, binds / 10));
            await QuarantinePropagationAsync(a, b, config);
            await ThroughputAsync(a, b, world, seconds, concurrency);
            await a.StopAsync(CancellationToken.None);
            await b.StopAsync(CancellationToken.None);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // a temp folder left behind is harmless
            }
        }

        return 0;
    }

    /// <summary>The bind round trip alone: one instance binding new ids, then two binding the same new ids at once.</summary>
    private static async Task BindLatencyAsync(ProxyRotatorApp a, ProxyRotatorApp b, int count)
    {
        ISharedSessionBinding onA = a.Services.GetRequiredService<ISharedSessionBinding>();
        ISharedSessionBinding onB = b.Services.GetRequiredService<ISharedSessionBinding>();
        long upstream = a.Services.GetRequiredService<IPoolSnapshotSource>().Current.All[0].Id;
        long other = a.Services.GetRequiredService<IPoolSnapshotSource>().Current.All[1].Id;
        ClusterMetrics metricsA = a.Services.GetRequiredService<ClusterMetrics>();
        ClusterMetrics metricsB = b.Services.GetRequiredService<ClusterMetrics>();
        await BindManyAsync(onA, onB, upstream, other, "warm", 500); // connections, plans, JIT
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // past any degraded pause the cold start caused
        long degraded = metricsA.SessionStoreDegraded + metricsB.SessionStoreDegraded;
        double[] one = await BindManyAsync(onA, null, upstream, other, "one", count);
        long degradedOne = metricsA.SessionStoreDegraded + metricsB.SessionStoreDegraded - degraded;
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        degraded = metricsA.SessionStoreDegraded + metricsB.SessionStoreDegraded;
        double[] two = await BindManyAsync(onA, onB, upstream, other, "two", count);
        long degradedTwo = metricsA.SessionStoreDegraded + metricsB.SessionStoreDegraded - degraded;
        Console.WriteLine($"session bind (one round trip), 1 instance:  p50 {P(one, 50):0.00} ms  p99 {P(one, 99):0.00} ms  ({one.Length} binds, 8 at a time; {degradedOne} served from memory after a timeout)");
        Console.WriteLine($"session bind, 2 instances, same new ids at once: p50 {P(two, 50):0.00} ms  p99 {P(two, 99):0.00} ms  ({two.Length} binds; {degradedTwo} served from memory after a timeout)");
    }

    private static async Task<double[]> BindManyAsync(ISharedSessionBinding first, ISharedSessionBinding? second, long upstream, long other, string prefix, int count)
    {
        var latencies = new List<double>(count * 2);
        var gate = new SemaphoreSlim(8);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        int lost = 0;
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                StickySession Proposed(long id) => new()
                {
                    Account = "bench", SessionId = $"{prefix}{i}", UpstreamId = id, CreatedAt = now, ExpiresAt = now.AddHours(1), LastUsedAt = now,
                };

                Task<(double, StickySession)> x = TimedBindAsync(first, Proposed(upstream));
                Task<(double, StickySession)>? y = second is null ? null : TimedBindAsync(second, Proposed(other));
                (double ms, StickySession held) = await x;
                lock (latencies)
                {
                    latencies.Add(ms);
                }

                if (y is not null)
                {
                    (double ms2, StickySession held2) = await y;
                    lock (latencies)
                    {
                        latencies.Add(ms2);
                    }

                    if (held.UpstreamId != held2.UpstreamId)
                    {
                        Interlocked.Increment(ref lost);
                    }
                }
            }
            finally
            {
                gate.Release();
            }
        }));
        if (lost > 0)
        {
            Console.WriteLine($"  {prefix}: {lost} of {count} ids bound to different upstreams on the two instances (only after a timeout, served from memory)");
        }

        return [.. latencies];
    }

    private static async Task<(double, StickySession)> TimedBindAsync(ISharedSessionBinding binding, StickySession proposed)
    {
        long started = Stopwatch.GetTimestamp();
        StickySession held = await binding.BindAsync(proposed, CancellationToken.None);
        return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, held);
    }

    /// <summary>A new session's first request through the gateway (bind + pick + forward), against a plain rotating request.</summary>
    private static async Task FirstRequestLatencyAsync(ProxyRotatorApp a, ProxyRotatorApp b, SimulatedWorld world, int count)
    {
        using HttpClient clientA = Client(a);
        using HttpClient clientB = Client(b);
        for (int i = 0; i < 50; i++)
        {
            await SendAsync(clientA, world, "bench");
        }

        ClusterMetrics metricsA = a.Services.GetRequiredService<ClusterMetrics>();
        ClusterMetrics metricsB = b.Services.GetRequiredService<ClusterMetrics>();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        long degraded = metricsA.SessionStoreDegraded + metricsB.SessionStoreDegraded;
        double[] rotating = await TimeRequestsAsync(count, i => SendAsync(clientA, world, "bench"));
        double[] newOnOne = await TimeRequestsAsync(count, i => SendAsync(clientA, world, $"bench-session-first{i}"));
        double[] newOnTwo = await TimeRequestsAsync(count, async i =>
        {
            string user = $"bench-session-both{i}";
            await Task.WhenAll(SendAsync(clientA, world, user), SendAsync(clientB, world, user));
        });
        Console.WriteLine($"request, rotating (no session), 1 instance: p50 {P(rotating, 50):0.00} ms  p99 {P(rotating, 99):0.00} ms");
        Console.WriteLine($"first request of a new session, 1 instance: p50 {P(newOnOne, 50):0.00} ms  p99 {P(newOnOne, 99):0.00} ms");
        Console.WriteLine($"first request of a new session on both instances at once (time until both answered): p50 {P(newOnTwo, 50):0.00} ms  p99 {P(newOnTwo, 99):0.00} ms  ({count} each, one at a time; {metricsA.SessionStoreDegraded + metricsB.SessionStoreDegraded - degraded} binds served from memory after a timeout)");
    }

    private static async Task<double[]> TimeRequestsAsync(int count, Func<int, Task> request)
    {
        var latencies = new double[count];
        for (int i = 0; i < count; i++)
        {
            long started = Stopwatch.GetTimestamp();
            await request(i);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        return latencies;
    }

    /// <summary>A burst of live faults on A quarantines an upstream; the time until B's selector no longer has it eligible.</summary>
    private static async Task QuarantinePropagationAsync(ProxyRotatorApp a, ProxyRotatorApp b, ProxyRotatorConfig config)
    {
        LiveOutcomeRecorder recorder = a.Services.GetRequiredService<LiveOutcomeRecorder>();
        IPoolSnapshotSource onB = b.Services.GetRequiredService<IPoolSnapshotSource>();
        var took = new List<double>();
        foreach (UpstreamProxy victim in onB.Current.All.Take(5))
        {
            long started = Stopwatch.GetTimestamp();
            for (int i = 0; i < config.HealthCheck.QuarantineAfterLiveFailures; i++)
            {
                recorder.Report(new UpstreamOutcome(victim.Id, UpstreamOutcomeKind.UpstreamConnectFailed, TimeSpan.FromMilliseconds(5), 0, 0));
            }

            while (onB.Current.TryGet(victim.Id, out UpstreamProxy? seen) && seen!.IsEligible)
            {
                if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(30))
                {
                    Console.WriteLine("  !! B still picks the upstream after 30 s");
                    return;
                }

                await Task.Delay(1);
            }

            took.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        Console.WriteLine($"quarantine on A -> B stops picking: {string.Join(", ", took.Select(t => t.ToString("0", CultureInfo.InvariantCulture)))} ms (5 upstreams, one after another)");
    }

    private static async Task ThroughputAsync(ProxyRotatorApp a, ProxyRotatorApp b, SimulatedWorld world, int seconds, int concurrency)
    {
        using HttpClient clientA = Client(a);
        using HttpClient clientB = Client(b);
        await RunForAsync([clientA], world, 2, concurrency); // warm-up
        double one = await RunForAsync([clientA], world, seconds, concurrency);
        double two = await RunForAsync([clientA, clientB], world, seconds, concurrency);
        Console.WriteLine($"throughput, rotating requests, {concurrency} clients: 1 instance {one:0} req/s, 2 instances {two:0} req/s ({two / one:0.00}x), {seconds} s each");
    }

    private static async Task<double> RunForAsync(HttpClient[] clients, SimulatedWorld world, int seconds, int concurrency)
    {
        long done = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        long started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async i =>
        {
            HttpClient client = clients[i % clients.Length];
            while (!stop.IsCancellationRequested)
            {
                await SendAsync(client, world, "bench");
                Interlocked.Increment(ref done);
            }
        }));
        return done / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static async Task SendAsync(HttpClient client, SimulatedWorld world, string user)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, world.Origin.HttpUrl);
        request.Headers.ProxyAuthorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:bench-pass")));
        using HttpResponseMessage response = await client.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{user}: {(int)response.StatusCode}");
        }
    }

    private static HttpClient Client(ProxyRotatorApp app) => new(new SocketsHttpHandler
    {
        Proxy = new WebProxy($"http://{app.Services.GetRequiredService<GatewayListenerRegistry>().BoundEndpoints[0]}"),
        UseProxy = true,
        MaxConnectionsPerServer = 1000,
    });

    private static async Task<ProxyRotatorApp> StartAsync(ProxyRotatorConfig config)
    {
        ProxyRotatorApp app = ProxyRotatorApp.Create(config, new ProxyRotatorAppOptions { MinimumLogLevel = LogLevel.Error });
        await app.StartAsync(CancellationToken.None);
        return app;
    }

    private static double P(double[] values, int percentile)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1)];
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static async Task ExecuteAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> ScalarAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
