namespace ProxyRotator.Admin.Contracts;

public sealed record ProviderImportDto(string Pool, string Provider, bool Succeeded, int Listed, int Added, int Updated, int Retired, string? Error);
