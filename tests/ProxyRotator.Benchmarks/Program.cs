using BenchmarkDotNet.Running;

// `load`: the end-to-end load benchmark (gateway vs. one hop), e.g.
//   dotnet run -c Release --project tests/ProxyRotator.Benchmarks -- load [--isolate] [--seconds 5] [--warmup 30] [--rounds 3] [--concurrency 16] [--upstreams 16]
// `load --processes`: issue 14's topology, every part in its own process (wrk, serve, 20 upstreams, nginx), e.g.
//   dotnet run -c Release --project tests/ProxyRotator.Benchmarks -- load --processes [--warmup 30] [--seconds 5] [--rounds 3] [--connections 64] [--scenario keepalive|connect|bulk] [--gateway-env NAME=VALUE] [--baseline-dll PATH] [--baseline-env NAME=VALUE] [--verbose]
if (args.Length > 1 && args[0] == "load" && args.Contains("--processes"))
{
    return await ProxyRotator.Benchmarks.Processes.ProcessLoadBenchmark.RunAsync(args[1..]);
}

// Helper processes of `load --processes`.
if (args.Length > 0 && args[0] == "upstreams")
{
    return await ProxyRotator.Benchmarks.Processes.UpstreamsCommand.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "tunnel-client")
{
    return await ProxyRotator.Benchmarks.Processes.TunnelClientCommand.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "load")
{
    return await ProxyRotator.Benchmarks.Load.LoadBenchmark.RunAsync(args[1..]);
}

// `soak`: mixed traffic through `proxyrotator serve` for N minutes, RSS/fds/threads/heap/p99/failures every minute, e.g.
//   dotnet run -c Release --project tests/ProxyRotator.Benchmarks -- soak --minutes 30 [--rate 100] [--concurrency 16] [--upstreams 16] [--flip-seconds 20] [--warmup-minutes 2]
if (args.Length > 0 && args[0] == "soak")
{
    return await ProxyRotator.Benchmarks.Soak.SoakBenchmark.RunAsync(args[1..]);
}

// `scale`: the pool at 100k upstreams (import, first health pass, snapshot rebuilds, memory, picks), e.g.
//   dotnet run -c Release --project tests/ProxyRotator.Benchmarks -- scale [--upstreams 100000]
if (args.Length > 0 && args[0] == "scale")
{
    return await ProxyRotator.Benchmarks.Scale.ScaleBenchmark.RunAsync(args[1..]);
}

// `cluster`: two instances on one PostgreSQL database (session bind latency, quarantine propagation, throughput), e.g.
//   dotnet run -c Release --project tests/ProxyRotator.Benchmarks -- cluster --postgres "Host=127.0.0.1;Port=5432;Username=postgres" [--binds 2000] [--seconds 10] [--concurrency 16]
if (args.Length > 0 && args[0] == "cluster")
{
    return await ProxyRotator.Benchmarks.Cluster.ClusterBenchmark.RunAsync(args[1..]);
}

// Every benchmark class in this assembly; pick with --filter, e.g.
//   dotnet run -c Release --project tests/ProxyRotator.Benchmarks -- --filter '*Pick*' --job short --inProcess
// --inProcess skips BenchmarkDotNet's rebuild of the whole project graph, which can exceed its 2-minute build
// timeout on a slow or shared machine.
BenchmarkSwitcher.FromAssembly(typeof(ProxyRotator.Benchmarks.Pool.UpstreamPickBenchmarks).Assembly).Run(args);
return 0;
