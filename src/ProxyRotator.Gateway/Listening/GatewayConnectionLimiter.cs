using ProxyRotator.Core.Metrics;

namespace ProxyRotator.Gateway.Listening;

/// <summary>
/// Counts open gateway connections (HTTP, CONNECT and SOCKS5 alike) against <c>gateway.maxConnections</c>, and
/// reports each admitted connection's open and close to <see cref="GatewayMetrics"/> when one is given.
/// </summary>
public sealed class GatewayConnectionLimiter(int maxConnections, GatewayMetrics? metrics = null)
{
    private int _open;

    public int Limit { get; } = maxConnections;

    public int Open => Volatile.Read(ref _open);

    /// <summary>Takes a connection slot; <paramref name="accepted"/> false for a connection already counted as accepted.</summary>
    public bool TryAcquire(bool accepted = true)
    {
        if (Interlocked.Increment(ref _open) > Limit)
        {
            Interlocked.Decrement(ref _open);
            return false;
        }

        metrics?.ConnectionOpened(accepted);
        return true;
    }

    public void Release()
    {
        Interlocked.Decrement(ref _open);
        metrics?.ConnectionClosed();
    }
}
