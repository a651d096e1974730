using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Providers.Api;
using ProxyRotator.Providers.Jobs;
using ProxyRotator.Providers.Resilience;
using ProxyRotator.Providers.Sync;
using Quartz;
using Refit;

namespace ProxyRotator.Providers;

public static class ProvidersServiceCollectionExtensions
{
    /// <summary>
    /// Registers one source-generated Refit client per configured provider (keyed by <c>pool/provider</c>, behind
    /// its resilience pipeline), <see cref="ProviderSyncService"/>, and a Quartz job per provider on its
    /// <c>refresh</c> interval. The Quartz hosted service itself is added by the host.
    /// </summary>
    public static IServiceCollection AddProxyRotatorProviders(this IServiceCollection services, ProxyRotatorConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ProviderResilienceOptions>().ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ProviderResiliencePipelines>();
        services.TryAddSingleton<IProviderApiFactory, KeyedProviderApiFactory>();
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<ProviderSyncService>(sp, config));

        var providers = config.Pools
            .SelectMany(pool => pool.Providers.Select(provider => (Key: new ProviderKey(pool.Name, provider.Name), Options: provider)))
            .ToList();

        foreach ((ProviderKey key, ProviderOptions options) in providers)
        {
            string clientKey = key.ToString();
            Uri baseAddress = ProviderRequest.From(options).BaseAddress;
            // RFC 3986 resolution: the provider URL's path is the base address and the request path is empty.
            services.AddKeyedRefitGeneratedClient<IProviderApi>(clientKey, new RefitSettings { UrlResolution = UrlResolutionMode.Rfc3986 })
                .ConfigureHttpClient(client =>
                {
                    client.BaseAddress = baseAddress;
                    // Per-attempt timeouts belong to the pipeline; this only bounds a whole fetch with its retries.
                    client.Timeout = TimeSpan.FromMinutes(5);
                })
                .AddHttpMessageHandler(sp => new ProviderResilienceHandler(sp.GetRequiredService<ProviderResiliencePipelines>().For(clientKey)));
        }

        if (providers.Count > 0)
        {
            services.AddQuartz(quartz =>
            {
                foreach ((ProviderKey key, ProviderOptions options) in providers)
                {
                    quartz.ScheduleJob<ProviderSyncJob>(
                        trigger => trigger
                            .WithIdentity(ProviderSyncJob.TriggerKeyFor(key))
                            .StartNow()
                            .WithSimpleSchedule(schedule => schedule.WithInterval(options.Refresh).RepeatForever()),
                        job => job
                            .WithIdentity(ProviderSyncJob.JobKeyFor(key))
                            .UsingJobData(ProviderSyncJob.PoolDataKey, key.Pool)
                            .UsingJobData(ProviderSyncJob.ProviderDataKey, key.Provider));
                }
            });
        }

        return services;
    }
}
