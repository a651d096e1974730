namespace ProxyRotator.Admin.Contracts;

/// <summary>Usage and spend since start (<c>GET /api/stats</c> → <c>spend</c>): per account and per provider and pool.</summary>
public sealed record SpendDto(IReadOnlyList<AccountSpendDto> Accounts, IReadOnlyList<ProviderSpendDto> Providers);
