using System.Net;
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
        foreach (string address in gateway.Listen)
        {
            kestrel.Listen(ParseEndpoint(address), listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.Use(next => new GatewayConnectionMiddleware(next, provider).OnConnectionAsync);
                registry.Add(listen);
            });
        }

        return kestrel;
    }

    /// <summary>Parses <c>host:port</c> (IPv4, <c>[IPv6]</c>, <c>localhost</c> or <c>*</c>).</summary>
    public static IPEndPoint ParseEndpoint(string address)
    {
        int colon = address.LastIndexOf(':');
        if (colon > 0 && int.TryParse(address.AsSpan(colon + 1), out int port) && port is >= 0 and <= 65535)
        {
            string host = address[..colon].Trim('[', ']');
            if (host is "*" or "0.0.0.0")
            {
                return new IPEndPoint(IPAddress.Any, port);
            }

            if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            {
                return new IPEndPoint(IPAddress.Loopback, port);
            }

            if (IPAddress.TryParse(host, out IPAddress? ip))
            {
                return new IPEndPoint(ip, port);
            }
        }

        throw new FormatException($"gateway.listen: '{address}' is not host:port with an IP address");
    }
}
