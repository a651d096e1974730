using System.Text.Json;
using Refit;

namespace ProxyRotator.Providers.Api;

/// <summary>
/// A provider's proxy list endpoint. Each configured provider gets its own keyed client whose base address is the
/// provider URL (without its query, which travels as a query parameter dictionary so Refit keeps it).
/// </summary>
public interface IProviderApi
{
    /// <summary>GETs the list. Non-success answers and unparsable JSON surface as <see cref="ApiException"/>.</summary>
    [Get("")]
    Task<JsonElement> GetProxiesAsync(
        [Query] IDictionary<string, string> query,
        [HeaderCollection] IDictionary<string, string> headers,
        CancellationToken cancellationToken);
}
