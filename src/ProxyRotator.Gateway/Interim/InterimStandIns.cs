#pragma warning disable CA1822, IDE0060
using System.Net;
using System.Net.Sockets;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Gateway.Upstreams
{
    public sealed record UpstreamHttpInvoker(HttpMessageInvoker Invoker, string? ProxyAuthorization);

    public sealed class UpstreamHttpInvokerCache(ProxyRotatorConfig config) : IDisposable
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<long, UpstreamHttpInvoker> _invokers = new();

        public UpstreamHttpInvoker Get(UpstreamProxy upstream) => _invokers.GetOrAdd(upstream.Id, _ =>
        {
            var handler = new SocketsHttpHandler
            {
                Proxy = new WebProxy(new Uri(upstream.Endpoint.Address))
                {
                    Credentials = upstream.Endpoint.Scheme == UpstreamScheme.Socks5 && upstream.Endpoint.HasCredentials
                        ? new NetworkCredential(upstream.Endpoint.Username, upstream.Endpoint.Password)
                        : null,
                },
                UseProxy = true,
                UseCookies = false,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                ConnectTimeout = config.Gateway.ConnectTimeout,
                ActivityHeadersPropagator = null,
            };
            string? auth = upstream.Endpoint.HasCredentials && upstream.Endpoint.Scheme == UpstreamScheme.Http
                ? "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(upstream.Endpoint.Username + ":" + upstream.Endpoint.Password))
                : null;
            return new UpstreamHttpInvoker(new HttpMessageInvoker(handler), auth);
        });

        public void Dispose()
        {
            foreach (UpstreamHttpInvoker i in _invokers.Values) i.Invoker.Dispose();
        }
    }
}
