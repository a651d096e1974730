using System.Diagnostics;
using System.Net;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Core.Upstreams;

/// <summary>
/// The one way HTTP requests go through an upstream, for gateway traffic and health probes alike, so a probe measures
/// the path traffic takes:
/// <list type="bullet">
/// <item><see cref="CreateAbsoluteForm"/>: an HTTP upstream reads the request itself (<c>http://</c> targets). Send
/// <see cref="ProxyAuthorization.BasicValue(UpstreamCredentials)"/> as the request's <c>Proxy-Authorization</c>.</item>
/// <item><see cref="CreateTunnelling"/>: everything else (<c>https://</c> targets, every SOCKS5 upstream). Each
/// connection is a tunnel opened by <see cref="UpstreamConnector"/> — the same CONNECT/SOCKS5 handshake, credentials
/// and blame evidence as the gateway's CONNECT and SOCKS5 clients get — with plain HTTP or TLS to the origin on
/// top. (SocketsHttpHandler's own CONNECT would carry no <c>Proxy-Authorization</c>: 407 from every authenticated
/// HTTP upstream.) Credentials for the handshake are resolved per request: set <see cref="CredentialsOption"/> on
/// the request, else the upstream's own. Connections are pooled per target, so requests that need different
/// credentials on one target need handlers of their own.</item>
/// </list>
/// Handlers never add anything to a request: no cookies, no redirects, no decompression, no <c>traceparent</c>.
/// </summary>
public static class UpstreamHttpHandlers
{
    /// <summary>Per-request credentials for the tunnel's handshake (default: the upstream's own).</summary>
    public static readonly HttpRequestOptionsKey<UpstreamCredentials> CredentialsOption = new("ProxyRotator.UpstreamCredentials");

    /// <summary>True when a request to a target with <paramref name="targetScheme"/> goes over a tunnel through this upstream.</summary>
    public static bool Tunnels(UpstreamEndpoint endpoint, string targetScheme)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.Scheme != UpstreamScheme.Http || !string.Equals(targetScheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A handler whose proxy is the HTTP upstream (absolute-form requests).</summary>
    public static SocketsHttpHandler CreateAbsoluteForm(UpstreamEndpoint endpoint, TimeSpan connectTimeout)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.Scheme != UpstreamScheme.Http)
        {
            throw new ArgumentException("only an HTTP upstream reads absolute-form requests", nameof(endpoint));
        }

        // The address only: credentials inside the proxy URI are ignored by SocketsHttpHandler and would risk a leak.
        string host = endpoint.Host.Contains(':', StringComparison.Ordinal) ? $"[{endpoint.Host}]" : endpoint.Host;
        SocketsHttpHandler handler = Create(connectTimeout);
        handler.Proxy = new WebProxy(new Uri($"{endpoint.SchemeName}://{host}:{endpoint.Port}"))
        {
            BypassProxyOnLocal = false,
            UseDefaultCredentials = false,
        };
        handler.UseProxy = true;
        return handler;
    }

    /// <summary>A handler whose connections are tunnels through the upstream, opened by <paramref name="connector"/>.</summary>
    /// <param name="upstream">The pool's upstream (null for a probe, which knows only <paramref name="endpoint"/>).</param>
    public static SocketsHttpHandler CreateTunnelling(UpstreamEndpoint endpoint, UpstreamProxy? upstream, UpstreamConnector connector, TimeSpan connectTimeout)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(connector);
        SocketsHttpHandler handler = Create(connectTimeout);
        handler.UseProxy = false;
        UpstreamCredentials? own = UpstreamCredentials.Of(endpoint);
        handler.ConnectCallback = async (context, cancellationToken) =>
        {
            UpstreamCredentials? credentials = context.InitialRequestMessage.Options.TryGetValue(CredentialsOption, out UpstreamCredentials perRequest)
                ? perRequest
                : own;
            UpstreamConnection connection = upstream is null
                ? await connector.ConnectAsync(endpoint, context.DnsEndPoint.Host, context.DnsEndPoint.Port, credentials, cancellationToken).ConfigureAwait(false)
                : await connector.ConnectAsync(upstream, context.DnsEndPoint.Host, context.DnsEndPoint.Port, credentials, cancellationToken).ConfigureAwait(false);
            return connection.Stream;
        };
        return handler;
    }

    private static SocketsHttpHandler Create(TimeSpan connectTimeout) => new()
    {
        ConnectTimeout = connectTimeout,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        PreAuthenticate = false,
        ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator(),
    };
}
