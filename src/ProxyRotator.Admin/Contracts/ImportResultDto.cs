namespace ProxyRotator.Admin.Contracts;

/// <summary><c>POST /api/import</c>: what the configuration sync and each provider changed.</summary>
public sealed record ImportResultDto(SyncCountsDto Config, IReadOnlyList<ProviderImportDto> Providers);
