using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Forwarder;

namespace ProxyRotator.Gateway.Http;

/// <summary>
/// The request/response transforms of one forwarding attempt. Derives from the plain
/// <see cref="HttpTransformer"/> (like <see cref="HttpTransformer.Empty"/>), never <see cref="HttpTransformer.Default"/>,
/// which would add <c>X-Forwarded-*</c> headers revealing the client. It strips the client's proxy credentials
/// and hop-by-hop headers, adds the upstream's own credentials, ends the time-to-first-byte clock when the
/// answer arrives, and holds back an upstream's own 407/5xx (body discarded) so the attempt can fail over.
/// </summary>
internal sealed class ForwardingTransformer(
    Uri target,
    string? upstreamProxyAuthorization,
    CancellationTokenSource firstByteTimeout,
    TimeProvider timeProvider,
    bool holdBackServerErrors,
    long? exposedUpstreamId,
    string? exposedSessionId,
    Func<CancellationToken, ValueTask>? onAnswerAccepted = null) : HttpTransformer
{
    private static readonly string[] _alwaysStripped = ["Proxy-Authorization", "Proxy-Connection", "Proxy-Authenticate", "Keep-Alive", "TE", "Trailer", "Upgrade", "Via", "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-IP"];

    /// <summary>
    /// The Host header when <c>target</c> names a checked address instead of the client's host name (a local
    /// upstream); null lets the request URI's authority stand. TLS to an https:// target names this host too.
    /// </summary>
    public string? HostHeader { get; init; }

    /// <summary>The upstream's own error status that was held back, or 0.</summary>
    public int HeldBackStatus { get; private set; }

    /// <summary>Timestamp at which the response head arrived, or 0 when it never did.</summary>
    public long ResponseTimestamp { get; private set; }

    private readonly ByteCounter _responseBytes = new();

    /// <summary>Response body bytes read from the upstream (and relayed), once the forwarder has finished.</summary>
    public long ResponseBytes => _responseBytes.Count;

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
        proxyRequest.RequestUri = target;
        proxyRequest.Headers.Host = HostHeader;
        foreach (string name in _alwaysStripped)
        {
            proxyRequest.Headers.Remove(name);
        }

        // Headers the client named in Connection are hop-by-hop too (RFC 9110 §7.6.1).
        foreach (string? value in httpContext.Request.Headers.Connection)
        {
            foreach (string token in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                proxyRequest.Headers.Remove(token);
                proxyRequest.Content?.Headers.Remove(token);
            }
        }

        // Only for http:// targets, where the upstream reads this request; an https:// target would receive it
        // inside the tunnel (the handler authenticates the CONNECT itself).
        if (upstreamProxyAuthorization is not null && target.Scheme == Uri.UriSchemeHttp)
        {
            proxyRequest.Headers.TryAddWithoutValidation("Proxy-Authorization", upstreamProxyAuthorization);
        }
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is null)
        {
            return await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);
        }

        firstByteTimeout.CancelAfter(Timeout.InfiniteTimeSpan);
        ResponseTimestamp = timeProvider.GetTimestamp();
        int status = (int)proxyResponse.StatusCode;
        if (status == 407 || (holdBackServerErrors && status is 502 or 503 or 504))
        {
            HeldBackStatus = status;
            return false;
        }

        if (onAnswerAccepted is not null)
        {
            // Before the head goes out: a sticky session must be bound by the time the client can send its next request.
            await onAnswerAccepted(cancellationToken).ConfigureAwait(false);
        }

        await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);

        // Counted as it is read, so chunked and read-until-close bodies are counted too (headers already copied).
        proxyResponse.Content = new CountingResponseContent(proxyResponse.Content, _responseBytes);
        IHeaderDictionary headers = httpContext.Response.Headers;
        headers.Remove("Proxy-Authenticate");
        headers.Remove("Proxy-Connection");
        if (exposedUpstreamId is { } id)
        {
            headers[GatewayHeaders.Upstream] = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (exposedSessionId is not null)
            {
                headers[GatewayHeaders.Session] = new StringValues(exposedSessionId);
            }
        }

        return true;
    }
}
