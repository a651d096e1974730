namespace ProxyRotator.Gateway.Listening;

/// <summary>Counts open gateway connections (HTTP, CONNECT and SOCKS5 alike) against <c>gateway.maxConnections</c>.</summary>
public sealed class GatewayConnectionLimiter(int maxConnections)
{
    private int _open;

    public int Limit { get; } = maxConnections;

    public int Open => Volatile.Read(ref _open);

    public bool TryAcquire()
    {
        if (Interlocked.Increment(ref _open) > Limit)
        {
            Interlocked.Decrement(ref _open);
            return false;
        }

        return true;
    }

    public void Release() => Interlocked.Decrement(ref _open);
}
