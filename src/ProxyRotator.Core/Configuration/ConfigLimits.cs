namespace ProxyRotator.Core.Configuration;

/// <summary>
/// The ranges the loader accepts. Wide enough for tests and odd deployments, narrow enough to catch a unit
/// mistake (<c>"5ms"</c> for a connect timeout, a session of a year).
/// </summary>
public static class ConfigLimits
{
    public static readonly TimeSpan MinConnectTimeout = TimeSpan.FromMilliseconds(50);
    public static readonly TimeSpan MaxConnectTimeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MinResponseTimeout = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan MaxResponseTimeout = TimeSpan.FromHours(1);
    public static readonly TimeSpan MinHeaderTimeout = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan MaxHeaderTimeout = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MinIdleTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxIdleTimeout = TimeSpan.FromDays(7);

    public const int MinHeaderBytes = 1024;
    public const int MaxHeaderBytes = 1024 * 1024;
    public const int MaxConnections = 1_000_000;
    public const int MaxAuthFailuresPerMinute = 100_000;
    public static readonly TimeSpan MinAuthCooldown = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxAuthCooldown = TimeSpan.FromDays(1);
    public const int MaxAttempts = 10;

    /// <summary>An admin key shorter than this is guessable.</summary>
    public const int MinApiKeyLength = 16;

    /// <summary>RFC 1929 carries username and password in at most 255 bytes each.</summary>
    public const int MaxCredentialBytes = 255;

    public static readonly TimeSpan MinHealthInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxHealthInterval = TimeSpan.FromDays(1);
    public static readonly TimeSpan MinHealthTimeout = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan MaxHealthTimeout = TimeSpan.FromMinutes(10);
    public const int MaxHealthConcurrency = 1024;

    /// <summary><c>sesstime</c> is given in minutes, so a session lives at least one.</summary>
    public static readonly TimeSpan MinSessionTtl = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxSessionTtl = TimeSpan.FromDays(30);

    /// <summary>Upper bound of <c>sessions.maxPerAccount</c> and <c>sessions.maxTotal</c> (each live session is held in memory).</summary>
    public const int MaxSessions = 10_000_000;

    public static readonly TimeSpan MinProviderRefresh = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxProviderRefresh = TimeSpan.FromDays(7);

    public static readonly TimeSpan MaxRetirement = TimeSpan.FromDays(365);
}
