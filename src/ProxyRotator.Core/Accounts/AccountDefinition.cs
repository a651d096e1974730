namespace ProxyRotator.Core.Accounts;

/// <summary>
/// A gateway account as the store (or the configuration file) holds it. Never carries a plain password: only its
/// salted slow hash (<see cref="AccountPasswordHasher"/>).
/// </summary>
/// <param name="Name">The account name, the first part of the proxy username.</param>
/// <param name="PasswordHash">The encoded PBKDF2 hash, or null for an account that only authenticates by address.</param>
/// <param name="Enabled">A disabled account is refused like a wrong password.</param>
/// <param name="Pools">Pools the account may use; <c>*</c> for all.</param>
/// <param name="Limits">Its limits.</param>
/// <param name="AllowedAddresses">Client addresses or CIDR ranges that authenticate as this account without a password.</param>
/// <param name="FromConfig">The account comes from the configuration file's <c>users</c> (its password and pools follow the file).</param>
public sealed record AccountDefinition(
    string Name,
    string? PasswordHash,
    bool Enabled,
    IReadOnlyList<string> Pools,
    AccountLimits Limits,
    IReadOnlyList<string> AllowedAddresses,
    bool FromConfig = false);
