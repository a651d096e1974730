namespace ProxyRotator.Admin.Contracts;

/// <summary>An account after an add or a password change; <see cref="Password"/> is set only when it was generated (shown this once).</summary>
public sealed record AccountSecretDto(AccountDto Account, string? Password);
