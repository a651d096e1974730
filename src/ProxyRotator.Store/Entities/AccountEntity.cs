namespace ProxyRotator.Store.Entities;

/// <summary>
/// A gateway account. The password is only ever stored as a salted PBKDF2 hash. <see cref="Version"/> moves on every
/// change, so every instance notices a change with one cheap query (<c>MAX(Version)</c>, <c>COUNT(*)</c>).
/// </summary>
public sealed class AccountEntity
{
    public int Id { get; set; }
    public required string Name { get; set; }

    /// <summary>The encoded PBKDF2 hash; null for an account that authenticates by client address only.</summary>
    public string? PasswordHash { get; set; }
    public bool Enabled { get; set; } = true;

    /// <summary>Pool names joined with <c>,</c>; <c>*</c> for all.</summary>
    public string Pools { get; set; } = "*";

    /// <summary>Client addresses and CIDR ranges joined with <c>,</c> that authenticate as this account without a password.</summary>
    public string AllowedAddresses { get; set; } = string.Empty;

    public int? MaxConcurrent { get; set; }
    public int? RequestsPerSecond { get; set; }
    public long? BytesPerDay { get; set; }
    public long? BytesPerMonth { get; set; }

    /// <summary>The account is one of the configuration file's <c>users</c>: its password and pools follow the file.</summary>
    public bool FromConfig { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Set to a value above every other account's on each change.</summary>
    public long Version { get; set; }
}
