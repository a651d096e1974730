using ProxyRotator.Admin.Contracts;
using ProxyRotator.Admin.Queries;
using ProxyRotator.Health;

namespace ProxyRotator.Admin.Health;

/// <summary>The admin API's health checks over the health area's <see cref="HealthCheckRunner"/>.</summary>
public sealed class HealthRunnerChecks(HealthCheckRunner runner) : IAdminHealthChecks
{
    public async Task<IReadOnlyList<HealthCheckOutcomeDto>> RunAsync(string? pool, CancellationToken cancellationToken) =>
        [.. (await runner.RunAllAsync(pool, cancellationToken).ConfigureAwait(false)).Select(ToDto)];

    public async Task<HealthCheckOutcomeDto?> RunOneAsync(long upstreamId, CancellationToken cancellationToken) =>
        await runner.CheckOneAsync(upstreamId, cancellationToken).ConfigureAwait(false) is HealthCheckOutcome outcome ? ToDto(outcome) : null;

    public static HealthCheckOutcomeDto ToDto(HealthCheckOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return new HealthCheckOutcomeDto
        {
            UpstreamId = outcome.UpstreamId,
            Pool = outcome.Pool,
            Url = outcome.Upstream, // masked by the runner
            Success = outcome.Success,
            Status = UpstreamDtoMapper.Lower(outcome.Status),
            PreviousStatus = UpstreamDtoMapper.Lower(outcome.PreviousStatus),
            Score = Math.Round(outcome.Score, 4),
            LatencyMs = outcome.LatencyMs is double latency ? Math.Round(latency, 1) : null,
            ExitIp = outcome.ExitIp,
            VerifiedCountry = outcome.VerifiedCountry,
            ConnectionType = outcome.ConnectionType,
            ErrorKind = outcome.Success ? null : System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(outcome.ErrorKind.ToString()),
            Error = outcome.Error,
        };
    }
}
