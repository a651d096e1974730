using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ProxyRotator.Core.Configuration;

namespace ProxyRotator.Gateway.Listening;

/// <summary>
/// Kestrel's transport for the gateway's own endpoints (those <see cref="GatewayListenerRegistry"/> knows): binds a
/// <see cref="GatewaySocketListener"/>, which serves CONNECT, SOCKS5 and plaintext HTTP connections itself and hands the
/// rest to Kestrel. Every other endpoint (the admin port) is bound by Kestrel's own socket transport;
/// so is an endpoint Kestrel binds as a copy of the configured one (<c>localhost</c>'s two loopbacks, the IPv4
/// fallback of <c>*</c>), which Kestrel and the same middleware then serve entirely, only without the raw-socket relay.
/// Registered after Kestrel's transport, so Kestrel (which tries the last registered first) asks this one first.
/// </summary>
internal sealed class GatewaySocketTransportFactory(
    GatewayListenerRegistry registry,
    IOptions<SocketTransportOptions> socketOptions,
    ProxyRotatorConfig config,
    IServiceProvider services,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly SocketTransportFactory _sockets = new(socketOptions, loggerFactory);
    private long _servedDirectly;

    /// <summary>CONNECT and SOCKS5 connections served by the gateway's own listeners (outside Kestrel) so far.</summary>
    public long ConnectionsServedDirectly => Interlocked.Read(ref _servedDirectly);

    public bool CanBind(EndPoint endpoint) => _sockets.CanBind(endpoint);

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not IPEndPoint || !registry.IsConfiguredEndPoint(endpoint))
        {
            return _sockets.BindAsync(endpoint, cancellationToken);
        }

        SocketTransportOptions options = socketOptions.Value;
        System.Net.Sockets.Socket socket = options.CreateBoundListenSocket(endpoint);
        try
        {
            socket.Listen(options.Backlog);
            var middleware = new GatewayConnectionMiddleware(static _ => Task.CompletedTask, services);
            return ValueTask.FromResult<IConnectionListener>(new GatewaySocketListener(socket, middleware,
                config.Gateway.HeaderTimeout, timeProvider, loggerFactory.CreateLogger<GatewaySocketListener>(), () => Interlocked.Increment(ref _servedDirectly),
                services.GetService(typeof(HttpRelay.HttpRelayHandler)) is HttpRelay.HttpRelayHandler { Enabled: true } relay ? relay : null));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
