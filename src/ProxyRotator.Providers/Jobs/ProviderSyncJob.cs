using ProxyRotator.Providers.Api;
using ProxyRotator.Providers.Sync;
using Quartz;

namespace ProxyRotator.Providers.Jobs;

/// <summary>Refreshes one provider on its own interval. Thin: the work is in <see cref="ProviderSyncService"/>.</summary>
[DisallowConcurrentExecution]
public sealed class ProviderSyncJob(ProviderSyncService sync) : IJob
{
    public const string PoolDataKey = "pool";
    public const string ProviderDataKey = "provider";

    public static JobKey JobKeyFor(ProviderKey key) => new($"provider-sync:{key}", "providers");

    public static TriggerKey TriggerKeyFor(ProviderKey key) => new($"provider-sync-trigger:{key}", "providers");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        JobDataMap data = context.MergedJobDataMap;
        var key = new ProviderKey(data.GetString(PoolDataKey)!, data.GetString(ProviderDataKey)!);
        await sync.SyncProviderAsync(key, cancellationToken).ConfigureAwait(false);
    }
}
