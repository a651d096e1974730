using ProxyRotator.Core.Configuration;

namespace ProxyRotator.Providers.Api;

/// <summary>
/// Splits a provider's configuration into what the Refit client sends: base address, query and headers.
/// The API key goes out as <c>Authorization: Bearer KEY</c> and as <c>X-Api-Key: KEY</c>, the two conventions
/// providers use; configured headers with either name win.
/// </summary>
public sealed record ProviderRequest(Uri BaseAddress, IDictionary<string, string> Query, IDictionary<string, string> Headers)
{
    public static ProviderRequest From(ProviderOptions provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var uri = new Uri(provider.Url, UriKind.Absolute);
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            query[name] = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(provider.ApiKey))
        {
            headers["Authorization"] = "Bearer " + provider.ApiKey;
            headers["X-Api-Key"] = provider.ApiKey;
        }

        foreach ((string name, string value) in provider.Headers)
        {
            headers[name] = value;
        }

        var baseAddress = new UriBuilder(uri) { Query = string.Empty, Fragment = string.Empty }.Uri;
        return new ProviderRequest(baseAddress, query, headers);
    }

    /// <summary>Never prints the headers: they carry the key.</summary>
    public override string ToString() => BaseAddress.ToString();
}
