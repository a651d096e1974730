namespace ProxyRotator.Admin.Contracts;

/// <summary><c>POST /api/proxies</c>: one upstream to add to a pool.</summary>
public sealed record AddUpstreamRequest
{
    public string? Url { get; init; }
    public string? Pool { get; init; }
    public string? Type { get; init; }
    public string? Country { get; init; }
    public string? City { get; init; }

    /// <summary><c>static</c> (default) or <c>backconnect</c> (a vendor gateway: then <see cref="Dialect"/>, and <see cref="Countries"/> instead of a country).</summary>
    public string? Kind { get; init; }

    /// <summary>A built-in dialect (brightdata, oxylabs, decodo, iproyal, soax) or <c>template</c> with <see cref="Template"/>.</summary>
    public string? Dialect { get; init; }

    /// <summary>Only for <c>"dialect": "template"</c>: the vendor's syntax.</summary>
    public TemplateDialectRequest? Template { get; init; }

    /// <summary>The countries a backconnect upstream serves (ISO codes); omitted or <c>["*"]</c> means every country.</summary>
    public IReadOnlyList<string>? Countries { get; init; }

    /// <summary>Cost per GB (both directions); with <see cref="CostPerRequest"/>, what the cost tiers and spend use.</summary>
    public decimal? CostPerGb { get; init; }

    public decimal? CostPerRequest { get; init; }

    /// <summary>Never prints the URL, which may carry a password.</summary>
    public override string ToString() => $"add to {Pool}";
}
