using ProxyRotator.Store.Sync;

namespace ProxyRotator.Providers.Parsing;

/// <summary>
/// What a provider's answer contained: the usable upstreams, and why others were skipped. When
/// <see cref="Error"/> is set the whole answer is unusable and the pool must stay as it is.
/// </summary>
public sealed record ProviderListParseResult(IReadOnlyList<DiscoveredUpstream> Upstreams, IReadOnlyList<string> Skipped, string? Error)
{
    public bool Succeeded => Error is null;

    public static ProviderListParseResult Failed(string error) => new([], [], error);
}
