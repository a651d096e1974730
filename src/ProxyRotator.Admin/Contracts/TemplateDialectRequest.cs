namespace ProxyRotator.Admin.Contracts;

/// <summary>
/// <c>POST /api/proxies</c> with <c>"dialect": "template"</c>: the vendor syntax as templates, with the same fields
/// and defaults as a <c>template</c> object in the configuration file.
/// </summary>
public sealed record TemplateDialectRequest
{
    /// <summary>E.g. <c>{user}[-country-{country}][-session-{session}]</c>.</summary>
    public string? Username { get; init; }
    public string? Password { get; init; }

    /// <summary><c>lower</c> or <c>upper</c>.</summary>
    public string? CountryCase { get; init; }

    /// <summary><c>lower</c> or <c>upper</c> (city and state values).</summary>
    public string? ValueCase { get; init; }

    /// <summary><c>_</c>, empty, <c>.</c> or <c>+</c>.</summary>
    public string? Separator { get; init; }

    /// <summary><c>seconds</c>, <c>minutes</c>, <c>hours</c> or <c>suffixed</c>.</summary>
    public string? TtlUnit { get; init; }

    /// <summary>The longest TTL in seconds.</summary>
    public long? MaxTtlSeconds { get; init; }

    public int? SessionLength { get; init; }

    /// <summary><c>lower-alphanumeric</c>, <c>alphanumeric</c>, <c>hex</c> or <c>digits</c>.</summary>
    public string? SessionCharset { get; init; }
}
