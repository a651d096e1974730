namespace ProxyRotator.Admin.Contracts;

public sealed record StatusCountsDto(int Pending, int Active, int Quarantined, int Retired);
