using ProxyRotator.Core.Backconnect;

namespace ProxyRotator.Core.Configuration;

/// <summary>The backconnect part of an upstream entry (<c>"kind": "backconnect"</c>).</summary>
public sealed class BackconnectOptions
{
    /// <summary><c>brightdata</c>, <c>oxylabs</c>, <c>decodo</c>, <c>iproyal</c>, <c>soax</c> or <c>template</c>.</summary>
    public required string DialectName { get; set; }

    /// <summary>The dialect, resolved from <see cref="DialectName"/> (a compiled template for <c>template</c>).</summary>
    public required IBackconnectDialect Dialect { get; set; }

    /// <summary>The template options when <see cref="DialectName"/> is <c>template</c>.</summary>
    public TemplateDialectOptions? Template { get; set; }

    public CountryCoverage Countries { get; set; } = CountryCoverage.All;
}
