using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health;
using ProxyRotator.Health.Probing;
using ProxyRotator.Store;
using ProxyRotator.Store.Snapshots;
using ProxyRotator.Store.Sync;

namespace ProxyRotator.Benchmarks.Scale;

/// <summary>
/// The pool at scale (default 100,000 upstreams) over a real SQLite file, with the probe substituted at the edge
/// (<see cref="SimulatedProbe"/>: 90% succeed, 10% are refused, no network): import time, the first and a second
/// health pass and the snapshot rebuilds each caused (the <c>proxyrotator_pool_snapshot_rebuilds_total</c> counter:
/// 0 expected, statuses and scores are runtime state), a forced snapshot rebuild, managed memory per upstream, and
/// pick latency and allocation on the real snapshot.
/// <c>dotnet run -c Release --project tests/ProxyRotator.Benchmarks -- scale [--upstreams N]</c>.
/// </summary>
public static class ScaleBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        int count = args.Length > 1 && args[0] == "--upstreams" ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        string dir = Path.Combine(Path.GetTempPath(), "proxyrotator-scale-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var config = new ProxyRotatorConfig { Database = $"Data Source={Path.Combine(dir, "scale.db")}" };
            config.HealthCheck.Concurrency = 64;
            var pool = new PoolOptions { Name = "scale", Type = UpstreamType.Datacenter };
            for (int i = 0; i < count; i++)
            {
                string host = $"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}";
                pool.Proxies.Add(new ProxyEntryOptions { Endpoint = new UpstreamEndpoint(UpstreamScheme.Http, host, 8000, "user", "pass"), Country = i % 2 == 0 ? "DE" : "US" });
            }

            config.Pools.Add(pool);
            var services = new ServiceCollection();
            services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
            services.AddSingleton<IUpstreamProbe, SimulatedProbe>();
            services.AddProxyRotatorStore(config);
            services.AddProxyRotatorHealthServices(config.HealthCheck);
            await using ServiceProvider provider = services.BuildServiceProvider();
            await provider.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
            long heapBefore = Heap();

            var watch = Stopwatch.StartNew();
            PoolSyncResult imported = await provider.GetRequiredService<PoolSynchronizer>().SyncConfigAsync(config, CancellationToken.None);
            TimeSpan import = watch.Elapsed;

            var snapshots = provider.GetRequiredService<StorePoolSnapshotSource>();
            watch.Restart();
            await snapshots.RefreshAsync(CancellationToken.None);
            TimeSpan firstBuild = watch.Elapsed;
            long versionBefore = snapshots.Current.Version;

            watch.Restart();
            IReadOnlyList<HealthCheckOutcome> outcomes = await provider.GetRequiredService<HealthCheckRunner>().RunAllAsync(null, CancellationToken.None);
            TimeSpan pass = watch.Elapsed;
            long passRebuilds = snapshots.Current.Version - versionBefore;
            int active = snapshots.Current.All.Count(u => u.Status == UpstreamStatus.Active);

            // A second pass: every upstream is probed again (the refused ones move towards quarantine).
            versionBefore = snapshots.Current.Version;
            watch.Restart();
            IReadOnlyList<HealthCheckOutcome> second = await provider.GetRequiredService<HealthCheckRunner>().RunAllAsync(null, CancellationToken.None);
            TimeSpan secondPass = watch.Elapsed;
            long secondRebuilds = snapshots.Current.Version - versionBefore;

            var rebuilds = new List<double>();
            for (int i = 0; i < 3; i++)
            {
                watch.Restart();
                await snapshots.RefreshAsync(CancellationToken.None);
                rebuilds.Add(watch.Elapsed.TotalMilliseconds);
            }

            watch.Restart();
            bool changed = await snapshots.RefreshIfChangedAsync(CancellationToken.None);
            TimeSpan unchangedCheck = watch.Elapsed;

            PoolSnapshot snapshot = snapshots.Current;
            var selector = new UpstreamSelector();
            var query = new UpstreamQuery(null, null, "DE", null, false, PoolAccess.All);
            (double pickNs, long pickBytes) = MeasurePicks(selector, snapshot, query);
            long heapAfter = Heap();
            GC.KeepAlive(snapshot);

            Console.WriteLine($"Scale benchmark: {count:N0} upstreams, SQLite file, simulated probe (90% succeed), health concurrency {config.HealthCheck.Concurrency}, {Environment.ProcessorCount} cores (shared)");
            Console.WriteLine($"import (sync {imported.Added:N0} new upstreams)         {import.TotalSeconds,8:N2} s");
            Console.WriteLine($"first snapshot build                         {firstBuild.TotalMilliseconds,8:N0} ms");
            Console.WriteLine($"first health pass ({outcomes.Count:N0} probes)           {pass.TotalSeconds,8:N2} s   ({outcomes.Count / pass.TotalSeconds:N0} results/s, {passRebuilds} snapshot rebuild(s), {active:N0} active after it in the runtime state)");
            Console.WriteLine($"second health pass ({second.Count:N0} probes)          {secondPass.TotalSeconds,8:N2} s   ({second.Count / secondPass.TotalSeconds:N0} results/s, {secondRebuilds} snapshot rebuild(s))");
            Console.WriteLine($"forced snapshot rebuild (3 runs)             {string.Join(" / ", rebuilds.Select(r => r.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} ms");
            Console.WriteLine($"unchanged-store check (no rebuild: {!changed})    {unchangedCheck.TotalMilliseconds,8:N1} ms");
            Console.WriteLine($"managed heap per upstream (store, snapshot, health book, after GC) {(heapAfter - heapBefore) / (double)count,8:N0} B");
            Console.WriteLine($"pick (country DE, {snapshot.All.Count:N0} in snapshot)       {pickNs,8:N0} ns, {pickBytes} B allocated over 1,000,000 picks");
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

    private static (double Ns, long Bytes) MeasurePicks(UpstreamSelector selector, PoolSnapshot snapshot, UpstreamQuery query)
    {
        const int Picks = 1_000_000;
        for (int i = 0; i < 100_000; i++)
        {
            selector.Pick(snapshot, query, []);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread();
        long started = Stopwatch.GetTimestamp();
        for (int i = 0; i < Picks; i++)
        {
            selector.Pick(snapshot, query, []);
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        return (elapsed.TotalNanoseconds / Picks, GC.GetAllocatedBytesForCurrentThread() - allocated);
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>The probe replaced at the edge: answers at once, 90% with the host as exit IP, 10% refused.</summary>
    private sealed class SimulatedProbe : IUpstreamProbe
    {
        public Task<ProbeResult> ProbeAsync(UpstreamEndpoint endpoint, CancellationToken cancellationToken) =>
            Task.FromResult(endpoint.Host.GetHashCode(StringComparison.Ordinal) % 10 == 0
                ? ProbeResult.Failed(TimeSpan.FromMilliseconds(3), ProbeErrorKind.ConnectRefused, "refused (simulated)")
                : ProbeResult.Succeeded(TimeSpan.FromMilliseconds(40), endpoint.Host));
    }
}
