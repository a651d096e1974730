namespace ProxyRotator.Admin.Contracts;

/// <summary>A provider feeding a pool and how its last sync went. The URL's user-info and query values are masked (either may hold a key).</summary>
public sealed record ProviderSourceDto(
    string Name,
    string Url,
    DateTimeOffset? LastSyncAt,
    DateTimeOffset? LastSuccessAt,
    string? LastError,
    int? LastCount);
