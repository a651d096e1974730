namespace ProxyRotator.Core.Configuration;

/// <summary>A provider API that lists proxies for a pool, refreshed on its own interval.</summary>
public sealed class ProviderOptions
{
    public string Name { get; set; } = string.Empty;
    public string Url { get; set; } = string.Empty;
    public string? ApiKey { get; set; }
    public TimeSpan Refresh { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Extra request headers (e.g. a provider's own auth header).</summary>
    public Dictionary<string, string> Headers { get; set; } = [];

    /// <summary>Maps our field names (url, scheme, host, port, username, password, type, country, city, kind, dialect, countries) to the provider's JSON names.</summary>
    public Dictionary<string, string> FieldMap { get; set; } = [];
}
