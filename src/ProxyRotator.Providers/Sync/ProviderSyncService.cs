using System.Text.Json;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Providers.Api;
using ProxyRotator.Providers.Parsing;
using ProxyRotator.Store.Sync;

namespace ProxyRotator.Providers.Sync;

/// <summary>
/// Fetches provider lists and merges them into their pools. A fetch that fails in any way (outage, HTTP error,
/// garbage) leaves the pool exactly as it was and records the error on the provider's source row, where the
/// admin API shows it.
/// </summary>
public sealed partial class ProviderSyncService(
    ProxyRotatorConfig config,
    IProviderApiFactory apis,
    PoolSynchronizer synchronizer,
    ILogger<ProviderSyncService> logger)
{
    /// <summary>Every provider of every pool, one after the other (a provider list can be large).</summary>
    public async Task<IReadOnlyList<ProviderSyncReport>> SyncAllAsync(CancellationToken cancellationToken)
    {
        var reports = new List<ProviderSyncReport>();
        foreach (PoolOptions pool in config.Pools)
        {
            reports.AddRange(await SyncPoolAsync(pool.Name, cancellationToken).ConfigureAwait(false));
        }

        return reports;
    }

    public async Task<IReadOnlyList<ProviderSyncReport>> SyncPoolAsync(string poolName, CancellationToken cancellationToken)
    {
        PoolOptions pool = config.Pools.FirstOrDefault(p => p.Name == poolName)
            ?? throw new ArgumentException($"unknown pool '{poolName}'", nameof(poolName));
        var reports = new List<ProviderSyncReport>(pool.Providers.Count);
        foreach (ProviderOptions provider in pool.Providers)
        {
            reports.Add(await SyncProviderAsync(new ProviderKey(pool.Name, provider.Name), cancellationToken).ConfigureAwait(false));
        }

        return reports;
    }

    public async Task<ProviderSyncReport> SyncProviderAsync(ProviderKey key, CancellationToken cancellationToken)
    {
        ProviderOptions provider = config.Pools.FirstOrDefault(p => p.Name == key.Pool)?.Providers.FirstOrDefault(p => p.Name == key.Provider)
            ?? throw new ArgumentException($"unknown provider '{key}'", nameof(key));
        var report = new ProviderSyncReport(key.Pool, key.Provider);

        ProviderListParseResult parsed;
        try
        {
            ProviderRequest request = ProviderRequest.From(provider);
            JsonElement body = await apis.Create(key).GetProxiesAsync(request.Query, request.Headers, cancellationToken).ConfigureAwait(false);
            parsed = ProviderListParser.Parse(body, provider);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            parsed = ProviderListParseResult.Failed(ProviderFetchError.Describe(ex));
            LogFetchException(key.ToString(), ex.GetType().Name);
        }

        if (!parsed.Succeeded)
        {
            LogSyncFailed(key.ToString(), parsed.Error!);
            await synchronizer.RecordProviderSyncAsync(key.Pool, key.Provider, success: false, count: null, parsed.Error, cancellationToken)
                .ConfigureAwait(false);
            return report with { Error = parsed.Error, Skipped = parsed.Skipped };
        }

        if (parsed.Skipped.Count > 0)
        {
            LogEntriesSkipped(key.ToString(), parsed.Skipped.Count, parsed.Skipped[0]);
        }

        PoolSyncResult merged;
        try
        {
            // The pool's cost applies to what its providers list (a provider list carries no prices).
            UpstreamCost? cost = config.Pools.First(p => p.Name == key.Pool).Cost;
            IReadOnlyList<DiscoveredUpstream> listed = cost is null ? parsed.Upstreams : [.. parsed.Upstreams.Select(u => u with { Cost = cost })];
            merged = await synchronizer.MergeSourceAsync(key.Pool, PoolSynchronizer.ProviderSource(key.Provider), listed, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            await synchronizer.RecordProviderSyncAsync(key.Pool, key.Provider, success: false, count: null, ex.Message, cancellationToken)
                .ConfigureAwait(false);
            return report with { Error = ex.Message };
        }

        // A sync that skipped invalid entries succeeded, but the operator should still see why some are missing.
        string? note = parsed.Skipped.Count > 0 ? $"{parsed.Skipped.Count} invalid entries skipped, e.g. {parsed.Skipped[0]}" : null;
        await synchronizer.RecordProviderSyncAsync(key.Pool, key.Provider, success: true, parsed.Upstreams.Count, note, cancellationToken)
            .ConfigureAwait(false);
        return report with
        {
            Listed = parsed.Upstreams.Count,
            Skipped = parsed.Skipped,
            Added = merged.Added,
            Updated = merged.Updated,
            Retired = merged.Retired,
        };
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Provider {Provider}: sync failed, pool left unchanged: {Error}")]
    private partial void LogSyncFailed(string provider, string error);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Debug, Message = "Provider {Provider}: fetch threw {ExceptionType}")]
    private partial void LogFetchException(string provider, string exceptionType);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Provider {Provider}: skipped {Count} invalid entries, e.g. {First}")]
    private partial void LogEntriesSkipped(string provider, int count, string first);
}
