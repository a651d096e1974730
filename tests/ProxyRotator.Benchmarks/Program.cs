using BenchmarkDotNet.Running;

// Every benchmark class in this assembly; pick with --filter, e.g.
//   dotnet run -c Release --project tests/ProxyRotator.Benchmarks -- --filter '*Pick*' --job short --inProcess
// --inProcess skips BenchmarkDotNet's rebuild of the whole project graph, which can exceed its 2-minute build
// timeout on a slow or shared machine.
BenchmarkSwitcher.FromAssembly(typeof(ProxyRotator.Benchmarks.Pool.UpstreamPickBenchmarks).Assembly).Run(args);
