using System.Net;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;

namespace ProxyRotator.Providers.Sync;

/// <summary>
/// Turns a failed fetch into a message an operator can act on. Messages are built here rather than taken from
/// exceptions, which may quote the request URL (and a key in its query).
/// </summary>
internal static class ProviderFetchError
{
    public static string Describe(Exception exception) => exception switch
    {
        // Refit wraps failures that happen before any response (connection refused, timeouts) in ApiRequestException.
        ApiRequestException { InnerException: Exception inner } => Describe(inner),
        ApiException api when api.StatusCode is >= HttpStatusCode.OK and < HttpStatusCode.Ambiguous =>
            $"malformed response body: {Inner(api)}",
        ApiException api => $"provider answered HTTP {(int)api.StatusCode} {api.ReasonPhrase}".TrimEnd(),
        BrokenCircuitException => "provider is failing repeatedly; circuit open, fetches paused until the break ends",
        TimeoutRejectedException => "provider did not answer in time",
        HttpRequestException http => $"provider unreachable ({http.HttpRequestError})",
        JsonException json => $"malformed response body: {json.Message}",
        OperationCanceledException => "fetch was cancelled (timeout)",
        _ => $"fetch failed: {exception.GetType().Name}",
    };

    private static string Inner(ApiException api) => api.InnerException switch
    {
        JsonException json => json.Message,
        null => "not JSON",
        Exception other => other.GetType().Name,
    };
}
