using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health;
using ProxyRotator.Health.LiveOutcomes;
using ProxyRotator.Store;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Benchmarks.Store;

/// <summary>
/// One steady-state write of <see cref="LiveOutcomeWriter"/> (every upstream already seeded, no status change) to a
/// real SQLite file in WAL mode, for the 16 upstreams of the load benchmark and a full <see cref="LiveOutcomeWriter.MaxBatch"/>.
/// Each invocation reports one success per upstream (a few hundred nanoseconds) and flushes them. Run it on two
/// commits to compare writer versions:
///   dotnet run -c Release --project tests/ProxyRotator.Benchmarks -- --filter '*LiveOutcomeWrite*' --job short --inProcess
/// </summary>
[MemoryDiagnoser]
public class LiveOutcomeWriteBenchmarks
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "proxyrotator-bench-" + Guid.NewGuid().ToString("N"));
    private ServiceProvider? _services;
    private LiveOutcomeRecorder? _recorder;
    private LiveOutcomeWriter? _writer;
    private long[] _ids = [];

    [Params(16, LiveOutcomeWriter.MaxBatch)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _services?.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public Task<int> FlushOneReportPerUpstream()
    {
        foreach (long id in _ids)
        {
            _recorder!.Report(new UpstreamOutcome(id, UpstreamOutcomeKind.Success, TimeSpan.FromMilliseconds(40), 100, 500));
        }

        return _writer!.FlushAsync(CancellationToken.None);
    }

    /// <summary>
    /// For reference: the same UPDATE per row through EF's <c>ExecuteUpdate</c> in one transaction. It rebuilds and
    /// funcletizes the setter expression trees on every call, which is why the writer runs its own prepared command.
    /// </summary>
    [Benchmark]
    public async Task EfExecuteUpdatePerRow()
    {
        ProxyRotatorDbContext db = await _services!.GetRequiredService<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync();
        await using (db)
        {
            await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync();
            DateTimeOffset now = DateTimeOffset.UtcNow;
            DateTimeOffset? used = now;
            foreach (long row in _ids)
            {
                long id = row, requests = 1, failures = 0;
                double score = 0.7;
                double? successRate = 0.9, latencyMs = 40;
                await db.Upstreams.Where(u => u.Id == id).ExecuteUpdateAsync(s => s
                    .SetProperty(u => u.TotalRequests, u => u.TotalRequests + requests)
                    .SetProperty(u => u.TotalFailures, u => u.TotalFailures + failures)
                    .SetProperty(u => u.Score, u => score)
                    .SetProperty(u => u.SuccessRate, u => successRate)
                    .SetProperty(u => u.LatencyMs, u => latencyMs)
                    .SetProperty(u => u.UpdatedAt, u => now)
                    .SetProperty(u => u.LastUsedAt, u => u.LastUsedAt == null || u.LastUsedAt < used ? used : u.LastUsedAt));
            }

            await transaction.CommitAsync();
        }
    }

    private async Task SetupAsync()
    {
        Directory.CreateDirectory(_folder);
        var config = new ProxyRotatorConfig { Database = $"Data Source={Path.Combine(_folder, "bench.db")}" };
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddProxyRotatorStore(config);
        services.AddProxyRotatorHealthServices(config.HealthCheck);
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);

        await using (ProxyRotatorDbContext db = await _services.GetRequiredService<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync())
        {
            var pool = new PoolEntity { Name = "bench", Type = UpstreamType.Datacenter, CreatedAt = DateTimeOffset.UtcNow };
            for (int i = 0; i < Rows; i++)
            {
                var upstream = new UpstreamEntity
                {
                    Scheme = UpstreamScheme.Http,
                    Host = $"10.0.{i >> 8}.{i & 255}",
                    Port = 8000,
                    AddressKey = $"http://10.0.{i >> 8}.{i & 255}:8000",
                    Type = UpstreamType.Datacenter,
                    Source = UpstreamEntity.ConfigSource,
                };
                upstream.InitializeStatus(UpstreamStatus.Active, "benchmark", DateTimeOffset.UtcNow);
                pool.Upstreams.Add(upstream);
            }

            db.Pools.Add(pool);
            await db.SaveChangesAsync();
            _ids = [.. pool.Upstreams.Select(u => u.Id)];
        }

        _recorder = _services.GetRequiredService<LiveOutcomeRecorder>();
        _writer = _services.GetRequiredService<LiveOutcomeWriter>();
        // The first write seeds the in-memory scores from the store; the benchmark measures the writes after it.
        await FlushOneReportPerUpstream();
    }
}
