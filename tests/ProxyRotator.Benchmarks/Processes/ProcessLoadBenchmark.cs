using System.Globalization;
using System.Net;
using System.Text;
using ProxyRotator.Benchmarks.Load;

namespace ProxyRotator.Benchmarks.Processes;

/// <summary>
/// <c>load --processes</c>: the topology of issue 14's table, every part in its own process on the same CPUs: wrk
/// (keep-alive) or <see cref="TunnelClientCommand"/> (a new CONNECT tunnel per request) as the client,
/// <c>proxyrotator serve</c> on a generated config, 20 simulated HTTP upstreams (<see cref="UpstreamsCommand"/>) each
/// exiting from its own 127.0.1.x, and nginx as the origin. Each scenario warms every path, then runs rounds of the
/// paths back to back — the gateway, optionally a baseline gateway (another build with <c>--baseline-dll</c>, or other
/// settings with <c>--baseline-env</c>), and one-hop (client → one upstream → origin) — and reports medians of the
/// per-round ratios to one-hop with their spread, p50/p99, and each process's CPU time per operation (from
/// <c>/proc/&lt;pid&gt;/stat</c>). On a shared machine, only figures from the same run compare.
/// </summary>
internal static class ProcessLoadBenchmark
{
    private const string UpstreamUser = "up";
    private const string UpstreamPassword = "up-pass";
    private const string GatewayUser = "load";
    private const string GatewayPassword = "load-pass";

    private enum Scenario
    {
        KeepAlive,
        Connect,
        Bulk,
    }

    private readonly record struct Round(double Rate, double P50, double P99, double GatewayCpu, double UpstreamsCpu, double OriginCpu, double ClientCpu, long Errors);

    /// <summary>One way through: a gateway process (its pid for CPU), or one upstream directly (no gateway).</summary>
    private sealed record Path(string Name, IPEndPoint Endpoint, string BasicToken, int? GatewayProcessId);

    private sealed record Processes(int Upstreams, int Origin, HelperProcess TunnelClient);

    public static async Task<int> RunAsync(string[] args)
    {
        if (!OnPath("wrk") || !OnPath("nginx"))
        {
            Console.Error.WriteLine("load --processes needs wrk and nginx from Debian: apt-get install -y wrk nginx-light");
            return 2;
        }

        double seconds = Arguments.Double(args, "--seconds", 5);
        double warmup = Arguments.Double(args, "--warmup", 30);
        int rounds = Math.Max(1, Arguments.Int(args, "--rounds", 3));
        int connections = Arguments.Int(args, "--connections", 64);
        int upstreamCount = Math.Clamp(Arguments.Int(args, "--upstreams", 20), 1, 254);
        bool verbose = args.Contains("--verbose");
        string? baselineDll = Arguments.Text(args, "--baseline-dll", string.Empty) is { Length: > 0 } b ? System.IO.Path.GetFullPath(b) : null;
        List<KeyValuePair<string, string>> environment = Environment(args, "--gateway-env");
        List<KeyValuePair<string, string>> baselineEnvironment = Environment(args, "--baseline-env");
        bool withBaseline = baselineDll is not null || baselineEnvironment.Count > 0;
        Scenario[] scenarios = Arguments.Text(args, "--scenario", "all") switch
        {
            "keepalive" => [Scenario.KeepAlive],
            "connect" => [Scenario.Connect],
            "bulk" => [Scenario.Bulk],
            _ => [Scenario.KeepAlive, Scenario.Connect, Scenario.Bulk],
        };

        string dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "proxyrotator-processes-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var started = new List<IAsyncDisposable>();
        try
        {
            NginxOrigin origin = await NginxOrigin.StartAsync(dir);
            started.Add(origin);
            HelperProcess upstreams = HelperProcess.Start("upstreams", "--count", upstreamCount.ToString(CultureInfo.InvariantCulture),
                "--user", UpstreamUser, "--password", UpstreamPassword);
            started.Add(upstreams);
            var endpoints = new List<IPEndPoint>();
            for (string line = await upstreams.ReadLineAsync(TimeSpan.FromSeconds(60)); line != "ready"; line = await upstreams.ReadLineAsync(TimeSpan.FromSeconds(60)))
            {
                endpoints.Add(IPEndPoint.Parse(line["upstream ".Length..]));
            }

            string[] proxies = [.. endpoints.Select(e => $"http://{UpstreamUser}:{UpstreamPassword}@{e}")];
            var health = new Uri($"http://{origin.Authority}{NginxOrigin.SmallPath}");
            string token = Token(GatewayUser, GatewayPassword);
            var paths = new List<Path>();
            ServeProcessGateway gateway = await ServeProcessGateway.StartAsync(proxies, health, System.IO.Path.Combine(dir, "gateway"), cpus: null,
                GatewayUser, GatewayPassword, environment);
            started.Add(gateway);
            paths.Add(new Path("gateway", gateway.Endpoint, token, gateway.ProcessId));
            if (withBaseline)
            {
                ServeProcessGateway baseline = await ServeProcessGateway.StartAsync(proxies, health, System.IO.Path.Combine(dir, "baseline"), cpus: null,
                    GatewayUser, GatewayPassword, [.. environment, .. baselineEnvironment], dll: baselineDll);
                started.Add(baseline);
                paths.Add(new Path("baseline", baseline.Endpoint, token, baseline.ProcessId));
            }

            paths.Add(new Path("one-hop", endpoints[0], Token(UpstreamUser, UpstreamPassword), GatewayProcessId: null));
            HelperProcess tunnelClient = HelperProcess.Start("tunnel-client");
            started.Add(tunnelClient);
            var processes = new Processes(upstreams.ProcessId, origin.ProcessId, tunnelClient);

            Console.WriteLine($"Separate processes: wrk -t1 -c{connections} / tunnel client with {connections} connections; `proxyrotator serve`; {upstreamCount} upstreams (127.0.1.1-{upstreamCount}) in one process; nginx origin. "
                + $"{warmup:0.#} s warm-up per path and scenario, {rounds} rounds of {seconds:0.#} s, {System.Environment.ProcessorCount} CPUs shared.");
            if (environment.Count > 0)
            {
                Console.WriteLine("gateway environment: " + string.Join(' ', environment.Select(e => $"{e.Key}={e.Value}")));
            }

            if (withBaseline)
            {
                Console.WriteLine($"baseline: {baselineDll ?? "the same build"}{(baselineEnvironment.Count > 0 ? " with " + string.Join(' ', baselineEnvironment.Select(e => $"{e.Key}={e.Value}")) : "")}");
            }

            Console.WriteLine($"load average at start: {ProcessCpu.LoadAverage()}");
            var table = new StringBuilder();
            table.AppendLine("| scenario | path | rate | × one-hop: median (rounds) | gateway CPU/op | upstreams CPU/op | origin CPU/op | client CPU/op | p50 / p99 | p99 × one-hop |");
            table.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
            foreach (Scenario scenario in scenarios)
            {
                foreach (Path path in paths)
                {
                    await RunAsync(scenario, path, warmup, processes, connections, origin, dir);
                }

                var results = paths.ToDictionary(p => p, _ => new List<Round>());
                for (int round = 0; round < rounds; round++)
                {
                    foreach (Path path in paths)
                    {
                        Round r = await RunAsync(scenario, path, seconds, processes, connections, origin, dir);
                        results[path].Add(r);
                        if (verbose)
                        {
                            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                                $"  {Name(scenario)} round {round + 1} {path.Name}: {r.Rate:N1} (p50 {r.P50 / 1000:0.00} ms, p99 {r.P99 / 1000:0.00} ms, CPU/op gw {r.GatewayCpu:N0} up {r.UpstreamsCpu:N0} origin {r.OriginCpu:N0} client {r.ClientCpu:N0} µs, errors {r.Errors}) load {ProcessCpu.LoadAverage()}"));
                        }
                    }
                }

                List<Round> oneHop = results[paths[^1]];
                foreach (Path path in paths)
                {
                    table.AppendLine(Row(scenario, path, results[path], oneHop));
                }
            }

            Console.WriteLine($"load average at end: {ProcessCpu.LoadAverage()}");
            Console.WriteLine();
            Console.Write(table);
            return 0;
        }
        finally
        {
            started.Reverse();
            foreach (IAsyncDisposable process in started)
            {
                await process.DisposeAsync();
            }

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

    private static async Task<Round> RunAsync(Scenario scenario, Path path, double seconds, Processes processes, int connections, NginxOrigin origin, string dir)
    {
        double gatewayBefore = path.GatewayProcessId is { } before ? ProcessCpu.OwnMicroseconds(before) : 0;
        double upstreamsBefore = ProcessCpu.OwnMicroseconds(processes.Upstreams);
        double originBefore = ProcessCpu.OwnMicroseconds(processes.Origin);
        double clientBefore = ProcessCpu.ChildrenMicroseconds() + ProcessCpu.OwnMicroseconds(processes.TunnelClient.ProcessId);
        long count;
        TimeSpan elapsed;
        double p50, p99;
        long errors;
        if (scenario == Scenario.Connect)
        {
            await processes.TunnelClient.SendAsync(string.Create(CultureInfo.InvariantCulture,
                $"run {path.Endpoint} {path.BasicToken} {origin.Authority} {NginxOrigin.SmallPath} {connections} {seconds}"));
            string[] result = (await processes.TunnelClient.ReadLineAsync(TimeSpan.FromSeconds(seconds + 120))).Split(' ');
            if (result[0] != "result")
            {
                throw new InvalidOperationException(string.Join(' ', result));
            }

            count = long.Parse(result[1], CultureInfo.InvariantCulture);
            elapsed = TimeSpan.FromSeconds(double.Parse(result[2], CultureInfo.InvariantCulture));
            p50 = double.Parse(result[3], CultureInfo.InvariantCulture);
            p99 = double.Parse(result[4], CultureInfo.InvariantCulture);
            errors = long.Parse(result[5], CultureInfo.InvariantCulture);
        }
        else
        {
            string file = scenario == Scenario.Bulk ? NginxOrigin.BulkPath : NginxOrigin.SmallPath;
            WrkClient.Result result = await WrkClient.RunAsync(path.Endpoint, path.BasicToken, origin.Authority, file, connections, seconds, dir);
            (count, elapsed, p50, p99, errors) = (result.Count, result.Elapsed, result.P50Microseconds, result.P99Microseconds, result.Errors);
        }

        double perOp(double before, double after) => (after - before) / Math.Max(1, count);
        double unit = scenario == Scenario.Bulk ? NginxOrigin.BulkBytes / 1e6 : 1;
        return new Round(
            count * unit / elapsed.TotalSeconds,
            p50,
            p99,
            path.GatewayProcessId is { } pid ? perOp(gatewayBefore, ProcessCpu.OwnMicroseconds(pid)) : 0,
            perOp(upstreamsBefore, ProcessCpu.OwnMicroseconds(processes.Upstreams)),
            perOp(originBefore, ProcessCpu.OwnMicroseconds(processes.Origin)),
            perOp(clientBefore, ProcessCpu.ChildrenMicroseconds() + ProcessCpu.OwnMicroseconds(processes.TunnelClient.ProcessId)),
            errors);
    }

    private static string Row(Scenario scenario, Path path, List<Round> rounds, List<Round> oneHop)
    {
        double[] ratios = [.. rounds.Select((r, i) => r.Rate / oneHop[i].Rate)];
        double median(Func<Round, double> pick) => Median([.. rounds.Select(pick)]);
        long errors = rounds.Sum(r => r.Errors);
        string unit = scenario == Scenario.Bulk ? "MB/s" : scenario == Scenario.Connect ? "tunnels/s" : "req/s";
        bool isOneHop = path.GatewayProcessId is null;
        return string.Create(CultureInfo.InvariantCulture,
            $"| {Name(scenario)} | {path.Name} | {median(r => r.Rate):N0} {unit} "
            + $"| {(isOneHop ? "1" : $"**{Median(ratios):0.00}** ({string.Join(", ", ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))})")} "
            + $"| {(isOneHop ? "—" : $"{median(r => r.GatewayCpu):N0} µs")} | {median(r => r.UpstreamsCpu):N0} µs | {median(r => r.OriginCpu):N0} µs | {median(r => r.ClientCpu):N0} µs "
            + $"| {median(r => r.P50) / 1000:0.00} / {median(r => r.P99) / 1000:0.0} ms "
            + $"| {(isOneHop ? "1" : Median([.. rounds.Select((r, i) => r.P99 / oneHop[i].P99)]).ToString("0.0", CultureInfo.InvariantCulture) + "×")} |{(errors > 0 ? $" {errors} errors |" : "")}");
    }

    private static string Name(Scenario scenario) => scenario switch
    {
        Scenario.KeepAlive => "keep-alive 1 KB GETs",
        Scenario.Connect => "new CONNECT tunnel per request",
        _ => "bulk 100 KB GETs",
    };

    private static double Median(double[] values)
    {
        Array.Sort(values);
        return values.Length % 2 == 1 ? values[values.Length / 2] : (values[(values.Length / 2) - 1] + values[values.Length / 2]) / 2;
    }

    private static List<KeyValuePair<string, string>> Environment(string[] args, string option) =>
        [.. Arguments.All(args, option).Select(pair => pair.Split('=', 2)).Select(pair => KeyValuePair.Create(pair[0], pair.Length > 1 ? pair[1] : string.Empty))];

    private static string Token(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    private static bool OnPath(string command) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
            .Concat(["/usr/sbin", "/sbin"])
            .Any(dir => File.Exists(System.IO.Path.Combine(dir, command)));
}
