using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ProxyRotator.Health.Jobs;
using ProxyRotator.IntegrationTests.Store;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Store;
using Quartz;

namespace ProxyRotator.IntegrationTests.Health;

/// <summary>
/// Two schedulers (two in-process hosts, as two instances would run) configured by
/// <see cref="ClusteredJobStore.UseProxyRotatorJobStore"/> on one PostgreSQL database migrated by the store's
/// migrations: a <c>[DisallowConcurrentExecution]</c> job runs once per interval across both, and the survivor
/// keeps running it when one stops.
/// </summary>
public sealed class ClusteredJobStoreTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [PostgresFact]
    public async Task TwoInstances_OneDatabase_EachFireRunsOnceAcrossTheCluster()
    {
        await using StoreTestDatabase database = await StoreTestDatabase.CreateAsync(StoreProvider.PostgreSql);
        using var runs = new JobRunLog();
        using IHost first = await StartInstanceAsync(database.ConnectionString, "a", runs);
        using IHost second = await StartInstanceAsync(database.ConnectionString, "b", runs);

        await runs.WaitForAsync(count: 12, Patience);

        JobRun[] seen = runs.Snapshot();
        Assert.Equal(seen.Length, seen.Select(r => r.ScheduledAt).Distinct().Count()); // no fire ran twice
        Assert.Equal(1, runs.MaxConcurrent); // never on both instances at once
        await first.StopAsync();
        await second.StopAsync();
    }

    [PostgresFact]
    public async Task TwoInstances_OneStops_SurvivorKeepsRunningTheJob()
    {
        await using StoreTestDatabase database = await StoreTestDatabase.CreateAsync(StoreProvider.PostgreSql);
        using var runs = new JobRunLog();
        using IHost first = await StartInstanceAsync(database.ConnectionString, "a", runs);
        using IHost second = await StartInstanceAsync(database.ConnectionString, "b", runs);
        await runs.WaitForAsync(count: 4, Patience);

        await first.StopAsync();
        int afterStop = runs.Count;
        await runs.WaitForAsync(count: afterStop + 6, Patience);

        JobRun[] later = [.. runs.Snapshot().Skip(afterStop + 1)]; // one run may have been in flight on the stopped one
        Assert.NotEmpty(later);
        Assert.All(later, r => Assert.Equal("b", r.Instance));
        await second.StopAsync();
    }

    private static async Task<IHost> StartInstanceAsync(string connectionString, string name, JobRunLog runs)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(runs);
        builder.Services.AddSingleton(new InstanceName(name));
        builder.Services.AddQuartz(quartz =>
        {
            quartz.UseProxyRotatorJobStore(StoreDatabase.Parse(connectionString), checkinInterval: TimeSpan.FromSeconds(1));
            quartz.ScheduleJob<CountingJob>(
                trigger => trigger.WithIdentity("counting-trigger", "test").StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(Interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)),
                job => job.WithIdentity("counting", "test"));
        });
        builder.Services.AddQuartzHostedService(q => q.WaitForJobsToComplete = true);
        IHost host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Which instance ran which scheduled fire.</summary>
    public sealed record JobRun(string Instance, DateTimeOffset ScheduledAt);

    public sealed record InstanceName(string Value);

    /// <summary>Shared by both hosts of a test (one object, handed to both containers).</summary>
    public sealed class JobRunLog : IDisposable
    {
        private readonly ConcurrentQueue<JobRun> _runs = new();
        private readonly SemaphoreSlim _changed = new(0);
        private int _running;
        private int _maxConcurrent;

        public int Count => _runs.Count;

        public int MaxConcurrent => Volatile.Read(ref _maxConcurrent);

        public JobRun[] Snapshot() => [.. _runs];

        public void Dispose() => _changed.Dispose();

        public IDisposable Enter()
        {
            int now = Interlocked.Increment(ref _running);
            int max;
            while (now > (max = Volatile.Read(ref _maxConcurrent)) && Interlocked.CompareExchange(ref _maxConcurrent, now, max) != max)
            {
            }

            return new Exit(this);
        }

        public void Add(JobRun run)
        {
            _runs.Enqueue(run);
            _changed.Release();
        }

        public async Task WaitForAsync(int count, TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            while (_runs.Count < count)
            {
                await _changed.WaitAsync(cancel.Token);
            }
        }

        private sealed class Exit(JobRunLog log) : IDisposable
        {
            public void Dispose() => Interlocked.Decrement(ref log._running);
        }
    }

    [DisallowConcurrentExecution]
    public sealed class CountingJob(JobRunLog runs, InstanceName instance) : IJob
    {
        public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        {
            using (runs.Enter())
            {
                await Task.Delay(50, CancellationToken.None); // long enough for an overlap to show
                runs.Add(new JobRun(instance.Value, context.ScheduledFireTimeUtc ?? context.FireTimeUtc));
            }
        }
    }
}
