namespace ProxyRotator.AdminClient;

/// <summary>Adds <c>X-Api-Key</c> to every request of the CLI's admin client.</summary>
internal sealed class AdminApiKeyHandler(string apiKey) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove("X-Api-Key");
        request.Headers.TryAddWithoutValidation("X-Api-Key", apiKey);
        return base.SendAsync(request, cancellationToken);
    }
}
