namespace ProxyRotator.Admin.Contracts;

public sealed record SyncCountsDto(int Added, int Updated, int Retired);
