using ProxyRotator.Admin.Contracts;

namespace ProxyRotator.Admin.Health;

/// <summary>
/// What <c>POST /api/checks</c> and <c>POST /api/proxies/{id}/check</c> need from the health area: run probes now
/// and wait for them. Implemented over the health area's runner; absent, those routes answer 503.
/// </summary>
public interface IAdminHealthChecks
{
    /// <summary>Probes every non-retired upstream (of one pool when given).</summary>
    Task<IReadOnlyList<HealthCheckOutcomeDto>> RunAsync(string? pool, CancellationToken cancellationToken);

    /// <summary>Probes one upstream; null when the id is unknown.</summary>
    Task<HealthCheckOutcomeDto?> RunOneAsync(long upstreamId, CancellationToken cancellationToken);
}
