using ProxyRotator.Core.Pool;

namespace ProxyRotator.Core.Upstreams;

/// <summary>
/// The username and password one request presents to an upstream. Resolved per request, so a vendor-specific
/// username (session, country) can be written for each; by default the upstream's own from its URL. A secret: never log it.
/// </summary>
public readonly record struct UpstreamCredentials(string Username, string? Password)
{
    /// <summary>The upstream's own credentials, or null when its URL has none.</summary>
    public static UpstreamCredentials? Of(UpstreamEndpoint endpoint) =>
        endpoint.HasCredentials ? new UpstreamCredentials(endpoint.Username!, endpoint.Password) : null;

    /// <summary>Never prints the secret.</summary>
    public override string ToString() => $"{Username}:***";
}
