using ProxyRotator.Core.Pool;

namespace ProxyRotator.Core.Upstreams;

/// <summary>
/// Sends HTTP requests through one upstream with pooled keep-alive connections, two ways:
/// <list type="bullet">
/// <item><see cref="Invoker"/>: absolute-form through an HTTP upstream (<c>http://</c> targets). Set
/// <see cref="ProxyAuthorization"/> as the request's <c>Proxy-Authorization</c> header (after removing the client's
/// own): it is sent up front, so there is no 407 round trip.</item>
/// <item><see cref="TunnelInvoker"/>: everything else (<c>https://</c> targets, and every target of a SOCKS5 upstream).
/// Its connections are tunnels opened by the gateway's own <see cref="UpstreamConnector"/> — the same CONNECT/SOCKS5
/// handshake, credentials and blame evidence as CONNECT and SOCKS5 clients get — with plain HTTP or TLS to the
/// origin on top.</item>
/// </list>
/// <see cref="ProxyAuthorization"/> holds a secret: never log it.
/// </summary>
public sealed class UpstreamHttpInvoker
{
    internal UpstreamHttpInvoker(UpstreamEndpoint endpoint, HttpMessageInvoker? invoker, HttpMessageInvoker tunnelInvoker, string? proxyAuthorization)
    {
        Endpoint = endpoint;
        Invoker = invoker ?? tunnelInvoker;
        TunnelInvoker = tunnelInvoker;
        ProxyAuthorization = proxyAuthorization;
    }

    public UpstreamEndpoint Endpoint { get; }

    /// <summary>Absolute-form through an HTTP upstream; for a SOCKS5 upstream the same as <see cref="TunnelInvoker"/>.</summary>
    public HttpMessageInvoker Invoker { get; }

    /// <summary>Requests over tunnels the gateway opens through the upstream itself.</summary>
    public HttpMessageInvoker TunnelInvoker { get; }

    /// <summary><c>Basic ...</c> for HTTP upstreams with credentials; null otherwise.</summary>
    public string? ProxyAuthorization { get; }

    /// <summary>True when requests to a target with this scheme go over <see cref="TunnelInvoker"/>.</summary>
    public bool Tunnels(string targetScheme) => UpstreamHttpHandlers.Tunnels(Endpoint, targetScheme);

    /// <summary>The invoker for a target with this scheme.</summary>
    public HttpMessageInvoker For(string targetScheme) => Tunnels(targetScheme) ? TunnelInvoker : Invoker;

    internal void Dispose()
    {
        Invoker.Dispose();
        if (!ReferenceEquals(Invoker, TunnelInvoker))
        {
            TunnelInvoker.Dispose();
        }
    }
}
