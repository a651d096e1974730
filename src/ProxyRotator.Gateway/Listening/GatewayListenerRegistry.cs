using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ProxyRotator.Gateway.Listening;

/// <summary>
/// The gateway's Kestrel listeners. After start-up <see cref="BoundEndpoints"/> has the real ports (also for
/// port 0), which tests use to connect and the target policy uses to refuse proxy loops.
/// </summary>
public sealed class GatewayListenerRegistry
{
    private readonly List<ListenOptions> _listeners = [];
    private readonly List<EndPoint> _configured = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<IPEndPoint> BoundEndpoints
    {
        get
        {
            lock (_lock)
            {
                return _listeners.Select(l => l.IPEndPoint).OfType<IPEndPoint>().ToArray();
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="endpoint"/> is one a gateway listener was configured with (the very object, as Kestrel
    /// passes it to the transport): such endpoints get the gateway's own transport (<see cref="GatewaySocketTransportFactory"/>).
    /// </summary>
    internal bool IsConfiguredEndPoint(EndPoint endpoint)
    {
        lock (_lock)
        {
            return _configured.Exists(e => ReferenceEquals(e, endpoint));
        }
    }

    internal void Add(ListenOptions listener)
    {
        lock (_lock)
        {
            _listeners.Add(listener);
            _configured.Add(listener.EndPoint);
        }
    }
}
