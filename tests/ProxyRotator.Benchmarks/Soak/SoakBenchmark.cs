using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using ProxyRotator.Benchmarks.Load;
using ProxyRotator.Simulation.Upstreams;
using ProxyRotator.Simulation.World;

namespace ProxyRotator.Benchmarks.Soak;

/// <summary>
/// A long run of mixed traffic through <c>proxyrotator serve</c> in its own process, printing once a minute what
/// a leak would show: the serve process's RSS, open file descriptors and threads (from <c>/proc</c>), its managed
/// heap (from its <c>/metrics</c> runtime gauges), p50/p99 latency and failures by kind. Meanwhile a quarter of the
/// simulated upstreams at a time are switched dead (refused, stalled, reset mid-response, 502) and back alive.
/// Bounded rate and concurrency, loopback only, stops by itself.
/// <c>dotnet run -c Release --project tests/ProxyRotator.Benchmarks -- soak --minutes N [--rate R] [--concurrency C] [--upstreams N] [--flip-seconds S] [--warmup-minutes W]</c>.
/// </summary>
public static class SoakBenchmark
{
    private const string Account = "soak";
    private const string Password = "soak-pass";

    private static readonly SimulatedFault[] Faults = [SimulatedFault.Refuse, SimulatedFault.Stall, SimulatedFault.ResetMidResponse, SimulatedFault.Answer502];

    public static async Task<int> RunAsync(string[] args)
    {
        int minutes = Math.Max(1, Option(args, "--minutes", 30));
        int rate = Math.Max(1, Option(args, "--rate", 100));
        int concurrency = Math.Max(1, Option(args, "--concurrency", 16));
        int upstreams = Math.Max(4, Option(args, "--upstreams", 16));
        TimeSpan flipEvery = TimeSpan.FromSeconds(Math.Max(1, Option(args, "--flip-seconds", 20)));
        int warmupMinutes = Math.Clamp(Option(args, "--warmup-minutes", 2), 0, minutes - 1);

        string dir = Path.Combine(Path.GetTempPath(), "proxyrotator-soak-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var worldOptions = new SimulatedWorldOptions { UpstreamCount = upstreams, DataDirectory = Path.Combine(dir, "world") };
            await using SimulatedWorld world = await SimulatedWorld.StartAsync(worldOptions);
            string cpus = $"0-{Environment.ProcessorCount - 1}";
            await using ServeProcessGateway serve = await ServeProcessGateway.StartAsync(world, dir, cpus, Account, Password, healthInterval: "30s");
            using var admin = new HttpClient { BaseAddress = new Uri($"http://{serve.AdminEndpoint}/"), Timeout = TimeSpan.FromSeconds(30) };
            admin.DefaultRequestHeaders.Add("X-Api-Key", ServeProcessGateway.AdminKey);

            var recorder = new SoakRecorder();
            using var traffic = new SoakTraffic(serve.Endpoint, Account, Password, world.Origin.HttpUrl, ClosedPort(), concurrency, recorder);
            Console.WriteLine($"Soak: {minutes} min through `proxyrotator serve` (pid {serve.ProcessId}), {upstreams} simulated upstreams (HTTP and SOCKS5), " +
                $"{rate} operations/s at most over {concurrency} connections; mix per 20: 7 rotation, 3 sticky, 1 new sticky session, 4 CONNECT, 4 SOCKS5, " +
                $"1 .invalid host, 1 closed port; {upstreams / 4} upstreams switched dead every {flipEvery.TotalSeconds:0} s; health checks every 30 s; " +
                $"first {warmupMinutes} min are warm-up. {Environment.ProcessorCount} cores, shared.");
            Console.WriteLine($"{"min",3} {"RSS MB",7} {"fds",5} {"thr",4} {"heap MB",8} {"post-GC",8} {"p50 ms",7} {"p99 ms",7} {"ops",6} {"failed",6} {"sess",5}  failures by kind (expected ones to failing targets included)");

            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(minutes));
            var tokens = Channel.CreateBounded<bool>(new BoundedChannelOptions(concurrency) { FullMode = BoundedChannelFullMode.DropWrite });
            Task producer = ProduceAsync(tokens.Writer, rate, stop.Token);
            Task[] workers = [.. Enumerable.Range(0, concurrency).Select(_ => WorkAsync(tokens.Reader, traffic))];
            Task flipper = FlipFaultsAsync(world, flipEvery, stop.Token);

            var samples = new List<SoakSample>();
            using var minute = new PeriodicTimer(TimeSpan.FromMinutes(1));
            for (int m = 1; m <= minutes && await minute.WaitForNextTickAsync(CancellationToken.None); m++)
            {
                if (serve.HasExited)
                {
                    Console.WriteLine("proxyrotator serve exited during the soak");
                    return 1;
                }

                samples.Add(await SampleAsync(m, serve.ProcessId, admin, recorder));
            }

            await stop.CancelAsync();
            await producer;
            await Task.WhenAll(workers);
            await flipper;
            Summarize(samples, warmupMinutes);
            return 0;
        }
        finally
        {
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

    private static async Task ProduceAsync(ChannelWriter<bool> tokens, int rate, CancellationToken stop)
    {
        // Ten ticks a second, each releasing its share of the rate; a token nobody takes (all workers busy) is dropped,
        // so a slow gateway is never offered more than the concurrency at once.
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        double owed = 0;
        try
        {
            while (await tick.WaitForNextTickAsync(stop))
            {
                owed += rate / 10.0;
                for (; owed >= 1; owed--)
                {
                    tokens.TryWrite(true);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            tokens.Complete();
        }
    }

    private static async Task WorkAsync(ChannelReader<bool> tokens, SoakTraffic traffic)
    {
        await foreach (bool _ in tokens.ReadAllAsync())
        {
            await traffic.RunOneAsync(CancellationToken.None);
        }
    }

    /// <summary>Every period the previous quarter comes back alive and the next quarter goes dead, each with its own fault.</summary>
    private static async Task FlipFaultsAsync(SimulatedWorld world, TimeSpan every, CancellationToken stop)
    {
        int quarter = world.Upstreams.Count / 4;
        int round = 0;
        using var tick = new PeriodicTimer(every);
        try
        {
            while (await tick.WaitForNextTickAsync(stop))
            {
                foreach (SimulatedUpstream upstream in world.Upstreams)
                {
                    upstream.Proxy.Fault = SimulatedFault.None;
                }

                for (int i = 0; i < quarter; i++)
                {
                    world.Upstreams[((round * quarter) + i) % world.Upstreams.Count].Proxy.Fault = Faults[(round + i) % Faults.Length];
                }

                round++;
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            foreach (SimulatedUpstream upstream in world.Upstreams)
            {
                upstream.Proxy.Fault = SimulatedFault.None;
            }
        }
    }

    private static async Task<SoakSample> SampleAsync(int minute, int pid, HttpClient admin, SoakRecorder recorder)
    {
        (IReadOnlyDictionary<string, long> operations, IReadOnlyDictionary<string, long> failures, List<double> latencies) = recorder.Swap();
        string status = await File.ReadAllTextAsync($"/proc/{pid}/status");
        double rssMb = StatusField(status, "VmRSS:") / 1024.0;
        int threads = (int)StatusField(status, "Threads:");
        int handles = Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
        string metrics = await admin.GetStringAsync("metrics");
        double heapMb = Metric(metrics, "proxyrotator_runtime_gc_heap_bytes") / 1048576.0;
        double afterGcMb = Metric(metrics, "proxyrotator_runtime_gc_heap_after_last_collection_bytes") / 1048576.0;
        long sessions = (long)Metric(metrics, "proxyrotator_sessions_active");
        long ops = operations.Values.Sum();
        long failed = failures.Values.Sum();
        var sample = new SoakSample(minute, rssMb, handles, threads, heapMb, afterGcMb, Percentile(latencies, 0.50), Percentile(latencies, 0.99), ops, failed, sessions);
        string kinds = string.Join(", ", failures.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}"));
        Console.WriteLine($"{minute,3} {rssMb,7:N1} {handles,5} {threads,4} {heapMb,8:N1} {afterGcMb,8:N1} {sample.P50Ms,7:N1} {sample.P99Ms,7:N1} {ops,6} {failed,6} {sessions,5}  {kinds}");
        Console.WriteLine($"      ops: {string.Join(", ", operations.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}");
        return sample;
    }

    /// <summary>First and last measured minutes after warm-up, and whether memory and handles stayed flat between.</summary>
    private static void Summarize(List<SoakSample> samples, int warmupMinutes)
    {
        List<SoakSample> measured = [.. samples.Where(s => s.Minute > warmupMinutes)];
        if (measured.Count < 2)
        {
            Console.WriteLine($"summary: {measured.Count} minute(s) after a {warmupMinutes}-minute warm-up; too short to judge growth");
            return;
        }

        // Medians of the first and last three minutes (or fewer): one sample a minute catches the heap at a random
        // point of its GC cycle, so single minutes are noisy.
        int window = Math.Min(3, measured.Count / 2);
        SoakSample first = measured[0];
        SoakSample last = measured[^1];
        Console.WriteLine($"summary: minutes {first.Minute}..{last.Minute} after a {warmupMinutes}-minute warm-up; medians of the first and last {window} minute(s):");
        Judge("RSS MB", measured, s => s.RssMb, window, relative: 0.10, absolute: 16);
        Judge("post-GC heap MB", measured, s => s.GcHeapAfterCollectionMb, window, relative: 0.10, absolute: 8);
        Judge("open fds", measured, s => s.Handles, window, relative: 0.10, absolute: 20);
        Judge("threads", measured, s => s.Threads, window, relative: 0.10, absolute: 8);
        Console.WriteLine($"  p99 ms: {first.P99Ms:N1} -> {last.P99Ms:N1}; failed ops: {first.Failures} of {first.Requests} -> {last.Failures} of {last.Requests}");
    }

    private static void Judge(string name, List<SoakSample> measured, Func<SoakSample, double> read, int window, double relative, double absolute)
    {
        double start = Median(measured.Take(window).Select(read));
        double end = Median(measured.TakeLast(window).Select(read));
        double max = measured.Max(read);
        bool flat = end <= start * (1 + relative) || end - start <= absolute;
        Console.WriteLine($"  {name,-16} {start,9:N1} -> {end,9:N1} (max {max:N1}): {(flat ? "flat" : "GROWING")} (allowed +{relative:P0} or +{absolute})");
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    private static long StatusField(string status, string field)
    {
        foreach (string line in status.Split('\n'))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    private static double Metric(string text, string name)
    {
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith(name + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return double.NaN;
    }

    /// <summary>A loopback port nothing listens on (bound, then released; nothing else binds it in a soak's time).</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out int value) ? value : fallback;
    }
}
