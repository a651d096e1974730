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

    internal void Add(ListenOptions listener)
    {
        lock (_lock)
        {
            _listeners.Add(listener);
        }
    }
}
