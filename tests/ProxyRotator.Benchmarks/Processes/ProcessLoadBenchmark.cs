using System.Globalization;
using System.Net;
using System.Text;
using ProxyRotator.Benchmarks.Load;

namespace ProxyRotator.Benchmarks.Processes;

/// <summary>
/// <c>load --processes</c>: the topology of issue 14's table, every part in its own process on the same CPUs: wrk
/// (keep-alive) or <see cref="TunnelClientCommand"/> (a new CONNECT tunnel per request) as the client,
/// <c>proxyrotator serve</c> on a generated config, 20 simulated HTTP upstreams (<see cref="UpstreamsCommand"/>) each
/// exiting from its own 127.0.1.x, and nginx as the origin. Each scenario warms both paths, then runs rounds of the
/// gateway and one-hop (client → one upstream → origin) back to back, and reports medians of the per-round ratios with
/// their spread, p50/p99, and each process's CPU time per operation (from <c>/proc/&lt;pid&gt;/stat</c>).
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

    private sealed record Path(string Name, IPEndPoint Endpoint, string BasicToken, bool ThroughGateway);

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
        string scenarioOption = Arguments.Text(args, "--scenario", "all");
        Scenario[] scenarios = scenarioOption switch
        {
            "keepalive" => [Scenario.KeepAlive],
            "connect" => [Scenario.Connect],
            "bulk" => [Scenario.Bulk],
            _ => [Scenario.KeepAlive, Scenario.Connect, Scenario.Bulk],
        };
        var environment = Arguments.All(args, "--gateway-env")
            .Select(pair => pair.Split('=', 2))
            .Select(pair => KeyValuePair.Create(pair[0], pair.Length > 1 ? pair[1] : string.Empty))
            .ToList();

        string dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "proxyrotator-processes-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            await using NginxOrigin origin = await NginxOrigin.StartAsync(dir);
            await using HelperProcess upstreams = HelperProcess.Start("upstreams", "--count", upstreamCount.ToString(CultureInfo.InvariantCulture),
                "--user", UpstreamUser, "--password", UpstreamPassword);
            var endpoints = new List<IPEndPoint>();
            for (string line = await upstreams.ReadLineAsync(TimeSpan.FromSeconds(60)); line != "ready"; line = await upstreams.ReadLineAsync(TimeSpan.FromSeconds(60)))
            {
                endpoints.Add(IPEndPoint.Parse(line["upstream ".Length..]));
            }

            await using ServeProcessGateway gateway = await ServeProcessGateway.StartAsync(
                [.. endpoints.Select(e => $"http://{UpstreamUser}:{UpstreamPassword}@{e}")],
                new Uri($"http://{origin.Authority}{NginxOrigin.SmallPath}"),
                dir, cpus: null, GatewayUser, GatewayPassword, environment);
            await using HelperProcess tunnelClient = HelperProcess.Start("tunnel-client");

            var viaGateway = new Path("gateway", gateway.Endpoint, Token(GatewayUser, GatewayPassword), ThroughGateway: true);
            var oneHop = new Path("one-hop", endpoints[0], Token(UpstreamUser, UpstreamPassword), ThroughGateway: false);
            var processes = new Processes(gateway.ProcessId, upstreams.ProcessId, origin.ProcessId, tunnelClient);

            Console.WriteLine($"Separate processes: wrk -t1 -c{connections} / tunnel client with {connections} connections; `proxyrotator serve`; {upstreamCount} upstreams (127.0.1.1-{upstreamCount}) in one process; nginx origin. "
                + $"{warmup:0.#} s warm-up per path and scenario, {rounds} rounds of {seconds:0.#} s, {Environment.ProcessorCount} CPUs shared{(environment.Count > 0 ? ", gateway env " + string.Join(' ', environment.Select(e => $"{e.Key}={e.Value}")) : "")}.");
            Console.WriteLine($"load average at start: {ProcessCpu.LoadAverage()}");
            var table = new StringBuilder();
            table.AppendLine("| scenario | gateway | one-hop | ratio: median (rounds) | gateway CPU/op | upstreams CPU/op (via gateway / one-hop) | origin CPU/op | client CPU/op | p50 / p99 gateway | p50 / p99 one-hop | p99 × one-hop |");
            table.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (Scenario scenario in scenarios)
            {
                await RunAsync(scenario, viaGateway, warmup, processes, connections, origin, dir);
                await RunAsync(scenario, oneHop, warmup, processes, connections, origin, dir);
                var pairs = new List<(Round Gateway, Round OneHop)>();
                for (int round = 0; round < rounds; round++)
                {
                    Round g = await RunAsync(scenario, viaGateway, seconds, processes, connections, origin, dir);
                    Round o = await RunAsync(scenario, oneHop, seconds, processes, connections, origin, dir);
                    pairs.Add((g, o));
                    if (verbose)
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"  {Name(scenario)} round {round + 1}: gateway {g.Rate:N1} (p50 {g.P50 / 1000:0.00} ms, p99 {g.P99 / 1000:0.00} ms, CPU/op gw {g.GatewayCpu:N0} up {g.UpstreamsCpu:N0} origin {g.OriginCpu:N0} client {g.ClientCpu:N0} µs, errors {g.Errors}) | "
                            + $"one-hop {o.Rate:N1} (p50 {o.P50 / 1000:0.00} ms, p99 {o.P99 / 1000:0.00} ms, CPU/op up {o.UpstreamsCpu:N0} origin {o.OriginCpu:N0} client {o.ClientCpu:N0} µs, errors {o.Errors}) | ratio {g.Rate / o.Rate:0.00} | load {ProcessCpu.LoadAverage()}"));
                    }
                }

                table.AppendLine(Row(scenario, pairs));
            }

            Console.WriteLine($"load average at end: {ProcessCpu.LoadAverage()}");
            Console.WriteLine();
            Console.Write(table);
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

    private sealed record Processes(int Gateway, int Upstreams, int Origin, HelperProcess TunnelClient);

    private static async Task<Round> RunAsync(Scenario scenario, Path path, double seconds, Processes processes, int connections, NginxOrigin origin, string dir)
    {
        double gatewayBefore = ProcessCpu.OwnMicroseconds(processes.Gateway);
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
            path.ThroughGateway ? perOp(gatewayBefore, ProcessCpu.OwnMicroseconds(processes.Gateway)) : 0,
            perOp(upstreamsBefore, ProcessCpu.OwnMicroseconds(processes.Upstreams)),
            perOp(originBefore, ProcessCpu.OwnMicroseconds(processes.Origin)),
            perOp(clientBefore, ProcessCpu.ChildrenMicroseconds() + ProcessCpu.OwnMicroseconds(processes.TunnelClient.ProcessId)),
            errors);
    }

    private static string Row(Scenario scenario, List<(Round Gateway, Round OneHop)> pairs)
    {
        double[] ratios = [.. pairs.Select(p => p.Gateway.Rate / p.OneHop.Rate)];
        double median(Func<(Round Gateway, Round OneHop), double> pick) => Median([.. pairs.Select(pick)]);
        long errors = pairs.Sum(p => p.Gateway.Errors + p.OneHop.Errors);
        string unit = scenario == Scenario.Bulk ? "MB/s" : scenario == Scenario.Connect ? "tunnels/s" : "req/s";
        return string.Create(CultureInfo.InvariantCulture,
            $"| {Name(scenario)} | {median(p => p.Gateway.Rate):N0} {unit} | {median(p => p.OneHop.Rate):N0} {unit} | **{Median(ratios):0.00}** ({string.Join(", ", ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))}) "
            + $"| {median(p => p.Gateway.GatewayCpu):N0} µs | {median(p => p.Gateway.UpstreamsCpu):N0} / {median(p => p.OneHop.UpstreamsCpu):N0} µs "
            + $"| {median(p => p.Gateway.OriginCpu):N0} / {median(p => p.OneHop.OriginCpu):N0} µs | {median(p => p.Gateway.ClientCpu):N0} / {median(p => p.OneHop.ClientCpu):N0} µs "
            + $"| {median(p => p.Gateway.P50) / 1000:0.00} / {median(p => p.Gateway.P99) / 1000:0.0} ms | {median(p => p.OneHop.P50) / 1000:0.00} / {median(p => p.OneHop.P99) / 1000:0.0} ms "
            + $"| {median(p => p.Gateway.P99 / p.OneHop.P99):0.0}× |{(errors > 0 ? $" ({errors} errors)" : "")}");
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

    private static string Token(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    private static bool OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
            .Concat(["/usr/sbin", "/sbin"])
            .Any(dir => File.Exists(System.IO.Path.Combine(dir, command)));
}
