using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Data.Sqlite;

namespace ProxyRotator.Benchmarks.Load;

/// <summary>
/// Sticky-session load through the gateway, each figure a ratio to plain rotation measured in the same round:
/// a new session per request, and requests spread over 64 existing sessions. <see cref="LockedAsync"/> holds
/// SQLite's write lock from another connection and compares p99 latency of rotation plus new sessions with and
/// without the lock, then checks the sessions were stored after it.
/// </summary>
internal static class SessionLoad
{
    /// <summary>Session caps of the benchmark's gateway: a new session per request for minutes must not hit them.</summary>
    public const int SessionCap = 10_000_000;

    private const int ExistingSessions = 64;

    public static async Task CompareAsync(IPEndPoint gateway, string account, string password, Uri url, int concurrency, TimeSpan duration, TimeSpan warmup, int rounds)
    {
        using HttpClient client = CreateClient(gateway, concurrency);
        long counter = 0;
        string runId = Guid.NewGuid().ToString("N")[..6];

        // Like with like: every scenario gets the same warm-up, and each round runs the three in a rotated order, so
        // neither drift of a shared machine nor the write-behind flush of the previous scenario's new sessions (it
        // lands in the first second of whatever runs next) always falls on the same one.
        (string Name, Func<string> Username)[] scenarios =
        [
            ("plain", () => account),
            ("new", () => $"{account}-session-n{runId}{Interlocked.Increment(ref counter)}"),
            ("existing", () => $"{account}-session-e{runId}{Random.Shared.Next(ExistingSessions)}"),
        ];
        foreach ((_, Func<string> username) in scenarios)
        {
            // The full warm-up each: a third of it left the first measured round still warming up.
            await RunAsync(client, url, password, username, concurrency, warmup, null);
        }

        var results = new List<(double Plain, double Fresh, double Existing, double PlainCpu, double FreshCpu, double ExistingCpu)>();
        var gc = new List<(double PauseMicroseconds, double Gen0, double Gen1, double Gen2)>[scenarios.Length];
        for (int i = 0; i < gc.Length; i++)
        {
            gc[i] = [];
        }

        for (int round = 0; round < rounds; round++)
        {
            var rate = new double[scenarios.Length];
            var cpu = new double[scenarios.Length];
            for (int i = 0; i < scenarios.Length; i++)
            {
                int s = (round + i) % scenarios.Length;
                TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                TimeSpan pauseBefore = GC.GetTotalPauseDuration();
                (int gen0, int gen1, int gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
                (double r, long count) = await RunAsync(client, url, password, scenarios[s].Username, concurrency, duration, null);
                rate[s] = r;
                double thousands = Math.Max(1, count) / 1000.0;
                cpu[s] = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds / Math.Max(1, count);
                gc[s].Add(((GC.GetTotalPauseDuration() - pauseBefore).TotalMicroseconds / Math.Max(1, count),
                    (GC.CollectionCount(0) - gen0) / thousands, (GC.CollectionCount(1) - gen1) / thousands, (GC.CollectionCount(2) - gen2) / thousands));
            }

            results.Add((rate[0], rate[1], rate[2], cpu[0], cpu[1], cpu[2]));
        }

        static double Median(IEnumerable<double> values)
        {
            double[] sorted = [.. values.Order()];
            return sorted[sorted.Length / 2];
        }

        // Each ratio is the median of its own per-round ratios (a round's plain run is its reference).
        double plainRate = Median(results.Select(r => r.Plain));
        Console.WriteLine($"{"sessions (median of rounds)",-34} {"req/s",10} {"ratio",8} {"CPU µs/req",12} {"CPU ratio",10}");
        Console.WriteLine($"{"plain rotation",-34} {plainRate,10:N1} {1,7:0.00}x {Median(results.Select(r => r.PlainCpu)),12:N1} {1,9:0.00}x");
        Console.WriteLine($"{"new session per request",-34} {Median(results.Select(r => r.Fresh)),10:N1} {Median(results.Select(r => r.Fresh / r.Plain)),7:0.00}x {Median(results.Select(r => r.FreshCpu)),12:N1} {Median(results.Select(r => r.FreshCpu / r.PlainCpu)),9:0.00}x");
        Console.WriteLine($"{"64 existing sessions",-34} {Median(results.Select(r => r.Existing)),10:N1} {Median(results.Select(r => r.Existing / r.Plain)),7:0.00}x {Median(results.Select(r => r.ExistingCpu)),12:N1} {Median(results.Select(r => r.ExistingCpu / r.PlainCpu)),9:0.00}x");
        Console.WriteLine($"  rounds (new, existing vs plain): {string.Join("; ", results.Select(r => $"{r.Fresh / r.Plain:0.00}, {r.Existing / r.Plain:0.00}"))}");
        // Where a new session's long-lived objects would show: the GC's pauses and collections per request.
        Console.WriteLine($"  GC pause µs per request, gen0/gen1/gen2 collections per 1000 requests (medians): {string.Join("; ", scenarios.Select((scenario, i) =>
            $"{scenario.Name} {Median(gc[i].Select(g => g.PauseMicroseconds)):0.00} µs, {Median(gc[i].Select(g => g.Gen0)):0.00}/{Median(gc[i].Select(g => g.Gen1)):0.00}/{Median(gc[i].Select(g => g.Gen2)):0.000}"))}");
        Console.WriteLine($"  CPU per request of the whole process (client, gateway, upstreams, origin), new and existing vs plain: {string.Join("; ", results.Select(r => $"{r.FreshCpu / r.PlainCpu:0.00}, {r.ExistingCpu / r.PlainCpu:0.00}"))}");
    }

    public static async Task LockedAsync(IPEndPoint gateway, string account, string password, Uri url, int concurrency, TimeSpan lockFor, TimeSpan warmup, string databasePath)
    {
        using HttpClient client = CreateClient(gateway, concurrency);
        long counter = 0;
        string runId = Guid.NewGuid().ToString("N")[..6];
        Func<string> mixed = () => Interlocked.Increment(ref counter) % 2 == 0 ? account : $"{account}-session-l{runId}{counter}";

        await RunAsync(client, url, password, mixed, concurrency, warmup, null);
        var free = new List<double>();
        (double freeRate, _) = await RunAsync(client, url, password, mixed, concurrency, lockFor, free);

        var locked = new List<double>();
        long sessionsBefore = Interlocked.Read(ref counter);
        double lockedRate;
        await using (SqliteConnection holder = await HoldWriteLockAsync(databasePath))
        {
            (lockedRate, _) = await RunAsync(client, url, password, mixed, concurrency, lockFor, locked);
        }

        long created = (Interlocked.Read(ref counter) - sessionsBefore) / 2;
        var stored = Stopwatch.StartNew();
        long rows = -1;
        while (stored.Elapsed < TimeSpan.FromSeconds(30))
        {
            // Stored once the count stops moving (requests cancelled at the end of a run never made their session).
            long now = await CountSessionsAsync(databasePath, $"l{runId}");
            if (now == rows)
            {
                break;
            }

            rows = now;
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        Console.WriteLine($"{"half rotation, half new sessions",-34} {"req/s",10} {"p50 ms",8} {"p99 ms",8} {"max ms",8}");
        Print("database free", freeRate, free);
        Print($"write lock held {lockFor.TotalSeconds:0} s", lockedRate, locked);
        Console.WriteLine($"  {created:N0} sessions created while locked; {rows:N0} of all {counter / 2:N0} new sessions (requests cancelled at the end of a run make none) stored within {stored.Elapsed.TotalSeconds:0} s after the lock ended");
    }

    private static void Print(string name, double rate, List<double> latencies)
    {
        latencies.Sort();
        Console.WriteLine($"{name,-34} {rate,10:N0} {Percentile(latencies, 0.50),8:N2} {Percentile(latencies, 0.99),8:N2} {latencies[^1],8:N2}");
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    private static HttpClient CreateClient(IPEndPoint gateway, int concurrency)
    {
        var handler = new SocketsHttpHandler
        {
            Proxy = new WebProxy($"http://{gateway}"),
            UseProxy = true,
            MaxConnectionsPerServer = concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        return new HttpClient(handler, disposeHandler: true) { Timeout = TimeSpan.FromSeconds(60) };
    }

    private static async Task<(double Rate, long Count)> RunAsync(
        HttpClient client, Uri url, string password, Func<string> username, int concurrency, TimeSpan duration, List<double>? latencies)
    {
        using var stop = new CancellationTokenSource(duration);
        long completed = 0;
        var watch = Stopwatch.StartNew();
        var perWorker = new List<double>[concurrency];
        Task[] workers = Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var mine = perWorker[worker] = [];
            while (!stop.IsCancellationRequested)
            {
                long started = Stopwatch.GetTimestamp();
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, url);
                    request.Headers.ProxyAuthorization = new AuthenticationHeaderValue("Basic",
                        Convert.ToBase64String(Encoding.UTF8.GetBytes(username() + ":" + password)));
                    using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
                    response.EnsureSuccessStatusCode();
                    await using Stream body = await response.Content.ReadAsStreamAsync(stop.Token);
                    await body.CopyToAsync(Stream.Null, stop.Token);
                    Interlocked.Increment(ref completed);
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }).ToArray();
        await Task.WhenAll(workers);
        TimeSpan elapsed = watch.Elapsed;
        latencies?.AddRange(perWorker.SelectMany(l => l));
        return (completed / elapsed.TotalSeconds, completed);
    }

    /// <summary>Another connection takes SQLite's write lock (an exclusive transaction with a write) until disposed.</summary>
    private static async Task<SqliteConnection> HoldWriteLockAsync(string databasePath)
    {
        var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        await connection.OpenAsync();
        using SqliteCommand begin = connection.CreateCommand();
        begin.CommandText = "PRAGMA busy_timeout=10000; BEGIN EXCLUSIVE; UPDATE Upstreams SET Score = Score WHERE Id = (SELECT MIN(Id) FROM Upstreams);";
        await begin.ExecuteNonQueryAsync();
        return connection;
    }

    private static async Task<long> CountSessionsAsync(string databasePath, string prefix)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        await connection.OpenAsync();
        using SqliteCommand count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM StickySessions WHERE SessionId LIKE $prefix";
        count.Parameters.AddWithValue("$prefix", prefix + "%");
        return Convert.ToInt64(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
