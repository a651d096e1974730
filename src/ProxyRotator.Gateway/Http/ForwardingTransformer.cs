using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using ProxyRotator.Core.Pool;
using ProxyRotator.Gateway.Pipeline;
using Yarp.ReverseProxy.Forwarder;

namespace ProxyRotator.Gateway.Http;

/// <summary>
/// The request/response transforms of one forwarding attempt. Derives from the plain
/// <see cref="HttpTransformer"/> (like <see cref="HttpTransformer.Empty"/>), never <see cref="HttpTransformer.Default"/>,
/// which would add <c>X-Forwarded-*</c> headers revealing the client. It strips the client's proxy credentials
/// and hop-by-hop headers, adds the upstream's own credentials, ends the time-to-first-byte clock when the
/// answer arrives, and judges the answer (<see cref="ForwardExchange.Judge"/>): an answer the upstream wrote itself
/// (its 407, or a 502/503/504 it explains or that another upstream should confirm) is held back, body discarded,
/// so the attempt can fail over; everything else — the origin's own status, whatever it is — passes through.
/// </summary>
internal sealed class ForwardingTransformer(
    ForwardExchange exchange,
    GatewayRequest request,
    UpstreamProxy upstream,
    string? upstreamProxyAuthorization,
    bool tunnelled,
    CancellationTokenSource firstByteTimeout,
    TimeProvider timeProvider,
    bool exposeUpstream) : HttpTransformer
{
    /// <summary>Request headers never forwarded: the client's proxy credentials, hop-by-hop headers, headers revealing the client.</summary>
    internal static readonly string[] AlwaysStripped = ["Proxy-Authorization", "Proxy-Connection", "Proxy-Authenticate", "Keep-Alive", "TE", "Trailer", "Upgrade", "Via", "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-IP"];

    private readonly ByteCounter _responseBytes = new();

    /// <summary>The verdict on an answer that was held back; default when the answer passed through.</summary>
    public ResponseVerdict HeldBack { get; private set; }

    /// <summary>A 502/503/504 passed through: the origin's own (through a tunnel), or unexplained (absolute-form).</summary>
    public bool PassedSuspect { get; private set; }

    /// <summary>Timestamp at which the response head arrived, or 0 when it never did.</summary>
    public long ResponseTimestamp { get; private set; }

    /// <summary>Response body bytes read from the upstream (and relayed), once the forwarder has finished.</summary>
    public long ResponseBytes => _responseBytes.Count;

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
        proxyRequest.RequestUri = request.DialUri;

        // A local upstream is handed a checked address; the origin still sees (and TLS still names) the client's host.
        proxyRequest.Headers.Host = ReferenceEquals(proxyRequest.RequestUri, request.TargetUri) ? null : request.TargetUri!.Authority;
        foreach (string name in AlwaysStripped)
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

        // Only where the upstream reads this request (absolute-form); a tunnelled request goes to the origin.
        if (upstreamProxyAuthorization is not null && !tunnelled)
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
        if (!tunnelled)
        {
            ResponseVerdict verdict = exchange.Judge(request, upstream, proxyResponse, out bool suspect);
            if (verdict.IsHeldBack)
            {
                HeldBack = verdict;
                return false;
            }

            PassedSuspect = suspect;
        }
        else
        {
            PassedSuspect = ForwardExchange.TunnelledAnswerAccusesTarget((int)proxyResponse.StatusCode);
        }

        // Before the head goes out: a sticky session must be bound by the time the client can send its next request.
        await exchange.CommitAsync(request, upstream, cancellationToken).ConfigureAwait(false);
        await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);

        // Counted as it is read, so chunked and read-until-close bodies are counted too (headers already copied).
        // The origin's answer may be a ban of this exit (issue 13 §5): judged here, its body watched as it streams.
        proxyResponse.Content = new CountingResponseContent(exchange.WatchForBan(request, upstream, proxyResponse), _responseBytes);
        IHeaderDictionary headers = httpContext.Response.Headers;
        headers.Remove("Proxy-Authenticate");
        headers.Remove("Proxy-Connection");
        if (exposeUpstream)
        {
            headers[GatewayHeaders.Upstream] = upstream.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (request.Route?.SessionHeaderValue is { } sessionId)
            {
                headers[GatewayHeaders.Session] = new StringValues(sessionId);
            }
        }

        return true;
    }
}
