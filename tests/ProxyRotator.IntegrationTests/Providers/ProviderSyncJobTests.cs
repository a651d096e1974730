using NSubstitute;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Providers.Api;
using ProxyRotator.Providers.Jobs;
using ProxyRotator.Providers.Sync;
using Quartz;
using static ProxyRotator.IntegrationTests.Providers.ProviderTestWorld;

namespace ProxyRotator.IntegrationTests.Providers;

public sealed class ProviderSyncJobTests
{
    private static readonly ProviderKey Key = new(PoolName, ProviderName);

    [Fact]
    public async Task AddProxyRotatorProviders_SchedulesOneNamedJobPerProviderOnItsRefreshInterval()
    {
        await using ProviderTestWorld world = await CreateAsync(new ProviderOptions
        {
            Name = ProviderName, Url = "http://127.0.0.1:1/list", Refresh = TimeSpan.FromMinutes(7),
        });
        IScheduler scheduler = await world.Get<ISchedulerFactory>().GetScheduler();

        IJobDetail? job = await scheduler.GetJobDetail(ProviderSyncJob.JobKeyFor(Key));
        IReadOnlyCollection<ITrigger> triggers = await scheduler.GetTriggersOfJob(ProviderSyncJob.JobKeyFor(Key));

        Assert.NotNull(job);
        Assert.Equal(typeof(ProviderSyncJob), job.JobType.Type);
        Assert.True(job.ConcurrentExecutionDisallowed);
        Assert.Equal((PoolName, ProviderName), (job.JobDataMap.GetString(ProviderSyncJob.PoolDataKey), job.JobDataMap.GetString(ProviderSyncJob.ProviderDataKey)));
        ISimpleTrigger trigger = Assert.IsAssignableFrom<ISimpleTrigger>(Assert.Single(triggers));
        Assert.Equal(ProviderSyncJob.TriggerKeyFor(Key), trigger.Key);
        Assert.Equal(TimeSpan.FromMinutes(7), trigger.RepeatInterval);
    }

    [Fact]
    public async Task Execute_RunsTheSyncOfItsProvider()
    {
        await using ProviderTestWorld world = await CreateAsync(new ProviderOptions { Name = ProviderName, Url = "http://127.0.0.1:1/list" });
        var job = new ProviderSyncJob(world.Get<ProviderSyncService>());
        IJobExecutionContext context = Substitute.For<IJobExecutionContext>();
        context.MergedJobDataMap.Returns(new JobDataMap
        {
            [ProviderSyncJob.PoolDataKey] = PoolName,
            [ProviderSyncJob.ProviderDataKey] = ProviderName,
        });

        await job.Execute(context, CancellationToken.None);

        Assert.NotNull((await world.ProviderSourceAsync()).LastSyncAt);
    }
}
