using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Listening;

namespace ProxyRotator.Gateway;

/// <summary>Adds the gateway listeners (<c>gateway.listen</c>) to Kestrel with their limits.</summary>
public static class GatewayKestrelExtensions
{
    /// <param name="services">The application's services; defaults to <see cref="KestrelServerOptions.ApplicationServices"/>.</param>
    public static KestrelServerOptions ListenGateway(this KestrelServerOptions kestrel, ProxyRotatorConfig config, IServiceProvider? services = null)
    {
        GatewayOptions gateway = config.Gateway;

        // Kestrel's limits are server-wide; they are safe for the admin listener too. The connection limit is
        // the gateway's own (GatewayConnectionLimiter) so it also counts SOCKS5 and CONNECT connections.
        kestrel.Limits.MaxRequestHeadersTotalSize = gateway.MaxHeaderBytes;
        kestrel.Limits.MaxRequestLineSize = Math.Min(gateway.MaxHeaderBytes, 16 * 1024);
        kestrel.Limits.RequestHeadersTimeout = gateway.HeaderTimeout;
        kestrel.Limits.KeepAliveTimeout = gateway.IdleTimeout;
        kestrel.AllowHostHeaderOverride = true;
        kestrel.AddServerHeader = false;

        IServiceProvider provider = services ?? kestrel.ApplicationServices;
        GatewayListenerRegistry registry = provider.GetRequiredService<GatewayListenerRegistry>();
        foreach (string text in gateway.Listen)
        {
            // The one listen-address parser (ConfigDocumentParser has validated files; configurations built in code may use port 0).
            if (!ListenAddress.TryParse(text, allowAnyPort: true, out ListenAddress? address, out string? error))
            {
                throw new FormatException($"gateway.listen: {error}");
            }

            void Configure(ListenOptions listen)
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.Use(next => new GatewayConnectionMiddleware(next, provider).OnConnectionAsync);
                registry.Add(listen);
            }

            kestrel.Listen(address!, Configure);
        }

        return kestrel;
    }
}
