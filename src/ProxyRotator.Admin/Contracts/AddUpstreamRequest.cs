namespace ProxyRotator.Admin.Contracts;

/// <summary><c>POST /api/proxies</c>: one upstream to add to a pool.</summary>
public sealed record AddUpstreamRequest
{
    public string? Url { get; init; }
    public string? Pool { get; init; }
    public string? Type { get; init; }
    public string? Country { get; init; }
    public string? City { get; init; }

    /// <summary>Never prints the URL, which may carry a password.</summary>
    public override string ToString() => $"add to {Pool}";
}
