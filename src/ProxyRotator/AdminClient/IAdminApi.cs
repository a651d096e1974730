using ProxyRotator.Admin.Contracts;
using Refit;

namespace ProxyRotator.AdminClient;

/// <summary>
/// The admin API (design §4) as the CLI calls it: a source-generated Refit client sharing the server's contract
/// types. The key travels in <c>X-Api-Key</c>, added by <see cref="AdminApiKeyHandler"/>.
/// </summary>
public interface IAdminApi
{
    [Get("/api/pools")]
    Task<IReadOnlyList<PoolDto>> GetPoolsAsync(CancellationToken cancellationToken);

    [Get("/api/proxies")]
    Task<PageDto<UpstreamDto>> ListProxiesAsync(
        string? pool, string? status, string? type, string? country, int? page, int? pageSize, CancellationToken cancellationToken);

    [Post("/api/proxies")]
    Task<UpstreamDto> AddProxyAsync([Body] AddUpstreamRequest request, CancellationToken cancellationToken);

    [Delete("/api/proxies/{id}")]
    Task<UpstreamDto> RetireProxyAsync(long id, CancellationToken cancellationToken);

    [Post("/api/checks")]
    Task<HealthCheckRunDto> RunChecksAsync(string? pool, CancellationToken cancellationToken);

    [Get("/api/sessions")]
    Task<PageDto<SessionDto>> ListSessionsAsync(int? page, int? pageSize, CancellationToken cancellationToken);

    [Get("/api/accounts")]
    Task<IReadOnlyList<AccountDto>> ListAccountsAsync(CancellationToken cancellationToken);

    [Post("/api/accounts")]
    Task<AccountSecretDto> AddAccountAsync([Body] AddAccountRequest request, CancellationToken cancellationToken);

    [Patch("/api/accounts/{name}")]
    Task<AccountDto> UpdateAccountAsync(string name, [Body] UpdateAccountRequest request, CancellationToken cancellationToken);

    [Post("/api/accounts/{name}/password")]
    Task<AccountSecretDto> SetAccountPasswordAsync(string name, [Body] AccountPasswordRequest request, CancellationToken cancellationToken);

    [Delete("/api/accounts/{name}")]
    Task DeleteAccountAsync(string name, CancellationToken cancellationToken);

    [Get("/api/usage")]
    Task<IReadOnlyList<UsageRowDto>> GetUsageAsync(string? account, string? from, string? to, CancellationToken cancellationToken);

    [Get("/api/stats")]
    Task<StatsDto> GetStatsAsync(int? top, CancellationToken cancellationToken);
}
