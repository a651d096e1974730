namespace ProxyRotator.Core.Configuration;

/// <summary><c>sessions</c>: sticky session lifetimes and how many may exist at once.</summary>
public sealed class SessionOptions
{
    public const int DefaultMaxPerAccount = 10_000;
    public const int DefaultMaxTotal = 200_000;

    public TimeSpan DefaultTtl { get; set; } = TimeSpan.FromMinutes(10);
    public TimeSpan MaxTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Live sessions one account may hold; a new one beyond it is refused (429 <c>session-limit</c>).</summary>
    public int MaxPerAccount { get; set; } = DefaultMaxPerAccount;

    /// <summary>Live sessions of all accounts together; bounds the memory the session table may take.</summary>
    public int MaxTotal { get; set; } = DefaultMaxTotal;

    /// <summary>
    /// <c>sessions.vendorKey</c>: the secret that derives vendor session ids for backconnect upstreams from (account,
    /// session id), at least 16 bytes. Keep it stable, or every sticky session moves to a new vendor session. Null:
    /// derived from <c>admin.apiKey</c>.
    /// </summary>
    public string? VendorKey { get; set; }

    /// <summary>
    /// On PostgreSQL (several instances): the longest a request waits for the shared store when it binds a new
    /// session or looks up one another instance bound. Past it the instance serves from memory and writes behind.
    /// </summary>
    public TimeSpan SharedTimeout { get; set; } = DefaultSharedTimeout;

    public static readonly TimeSpan DefaultSharedTimeout = TimeSpan.FromMilliseconds(200);
}
