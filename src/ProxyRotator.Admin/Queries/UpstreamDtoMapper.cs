using ProxyRotator.Admin.Contracts;
using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Pool;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Admin.Queries;

/// <summary>Entity → API shape. The only place an upstream's URL is rendered for the API, and it is masked.</summary>
internal static class UpstreamDtoMapper
{
    public static UpstreamDto ToDto(UpstreamEntity upstream, string poolName) => new()
    {
        Id = upstream.Id,
        Pool = poolName,
        Url = upstream.ToMaskedUrl(),
        Type = Lower(upstream.Type),
        DeclaredCountry = upstream.DeclaredCountry,
        City = upstream.City,
        VerifiedCountry = upstream.VerifiedCountry,
        ExitIp = upstream.ExitIp,
        ConnectionType = upstream.ConnectionType,
        Mismatch = (upstream.GeoMismatch, upstream.ConnectionTypeMismatch) switch
        {
            (null, null) => null,
            (string geo, null) => geo,
            (null, string connection) => connection,
            (string geo, string connection) => geo + "; " + connection,
        },
        Status = Lower(upstream.Status),
        StatusReason = Scrub(upstream.StatusReason, upstream.Password),
        StatusChangedAt = upstream.StatusChangedAt,
        Score = Math.Round(upstream.Score, 4),
        LatencyMs = upstream.LatencyMs is double latency ? Math.Round(latency, 1) : null,
        SuccessRate = upstream.SuccessRate is double rate ? Math.Round(rate, 4) : null,
        LastCheckedAt = upstream.LastCheckedAt,
        LastError = Scrub(upstream.LastError, upstream.Password),
        Source = upstream.Source,
        TotalRequests = upstream.TotalRequests,
        TotalFailures = upstream.TotalFailures,
        Kind = Lower(upstream.Kind),
        Dialect = upstream.Dialect,
        Countries = upstream.Countries,
        CostPerGb = upstream.CostPerGb,
        CostPerRequest = upstream.CostPerRequest,
        IsRotatingExit = upstream.IsRotatingExit,
    };

    /// <summary>Adds the live per-country probe results of a backconnect upstream (from the current snapshot) to its DTO.</summary>
    public static UpstreamDto WithCoverage(UpstreamDto dto, PoolSnapshot snapshot, string? password)
    {
        if (!snapshot.TryGet(dto.Id, out UpstreamProxy? upstream) || upstream!.Backconnect is not { } backconnect)
        {
            return dto;
        }

        IReadOnlyDictionary<string, CountryProbeRecord> records = backconnect.Health.ToDictionary();
        if (records.Count == 0)
        {
            return dto;
        }

        return dto with
        {
            Coverage = [.. records.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new CountryCoverageDto
            {
                Country = r.Key,
                LastResult = r.Value.ConsecutiveFailures == 0 ? "ok" : "failed",
                LastCheckedAt = r.Value.LastCheckedAt,
                LastError = Scrub(r.Value.LastError, password),
                ConsecutiveFailures = r.Value.ConsecutiveFailures,
                Successes = r.Value.Successes,
                Failures = r.Value.Failures,
                Avoided = backconnect.Health.IsWeak(r.Key),
            })],
        };
    }

    /// <summary>Defence in depth: a free-text note that quotes the password (or a URL with it) never leaves with it.</summary>
    public static string? Scrub(string? text, string? password) => CredentialMasking.Scrub(text, password);

    public static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();
}
