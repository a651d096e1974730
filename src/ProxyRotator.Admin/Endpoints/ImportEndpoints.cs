using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Providers.Sync;
using ProxyRotator.Store.Sync;

namespace ProxyRotator.Admin.Endpoints;

/// <summary><c>POST /api/import</c>: re-sync the pools from the configuration and every provider now.</summary>
internal static class ImportEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/import", ImportAsync).WithName("Import")
            .WithSummary("Re-sync pools from the configuration and the providers now; a failing provider leaves its pool unchanged and is reported");

    private static async Task<IResult> ImportAsync(
        ProxyRotatorConfig config, PoolSynchronizer synchronizer, IServiceProvider services, CancellationToken ct)
    {
        PoolSyncResult configResult = await synchronizer.SyncConfigAsync(config, ct);
        IReadOnlyList<ProviderSyncReport> reports = services.GetService<ProviderSyncService>() is ProviderSyncService providers
            ? await providers.SyncAllAsync(ct)
            : [];
        return TypedResults.Ok(new ImportResultDto(
            new SyncCountsDto(configResult.Added, configResult.Updated, configResult.Retired),
            [.. reports.Select(r => new ProviderImportDto(r.Pool, r.Provider, r.Succeeded, r.Listed, r.Added, r.Updated, r.Retired, r.Error))]));
    }
}
