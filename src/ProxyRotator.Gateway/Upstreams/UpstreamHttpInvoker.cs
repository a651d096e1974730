using ProxyRotator.Core.Pool;

namespace ProxyRotator.Gateway.Upstreams;

/// <summary>
/// Sends absolute-form HTTP requests through one upstream with pooled keep-alive connections. For an HTTP upstream
/// with credentials, set <see cref="ProxyAuthorization"/> as the request's <c>Proxy-Authorization</c> header (after
/// removing the client's own): it is sent up front, so there is no 407 round trip. SOCKS5 upstreams authenticate
/// inside the handler and have no header. <see cref="ProxyAuthorization"/> holds a secret: never log it.
/// </summary>
public sealed class UpstreamHttpInvoker
{
    internal UpstreamHttpInvoker(UpstreamEndpoint endpoint, HttpMessageInvoker invoker, string? proxyAuthorization)
    {
        Endpoint = endpoint;
        Invoker = invoker;
        ProxyAuthorization = proxyAuthorization;
    }

    public UpstreamEndpoint Endpoint { get; }

    public HttpMessageInvoker Invoker { get; }

    /// <summary><c>Basic ...</c> for HTTP upstreams with credentials; null otherwise.</summary>
    public string? ProxyAuthorization { get; }
}
