using Polly;

namespace ProxyRotator.Providers.Resilience;

/// <summary>Runs every request of one provider's HTTP client through that provider's resilience pipeline.</summary>
public sealed class ProviderResilienceHandler(ResiliencePipeline<HttpResponseMessage> pipeline) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        await pipeline.ExecuteAsync(
            static (state, ct) => new ValueTask<HttpResponseMessage>(state.Handler.SendOnceAsync(state.Request, ct)),
            (Handler: this, Request: request),
            cancellationToken).ConfigureAwait(false);

    // A GET without content can be sent again as it is.
    private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
