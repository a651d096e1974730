namespace ProxyRotator.Gateway.Relay;

/// <summary>
/// Told about the bytes a tunnel relays as they pass (both directions), so a byte quota can end a running tunnel.
/// Called once per relayed chunk on the relay's hot path: must be cheap (an <see cref="Interlocked"/> add and a
/// compare) and never block.
/// </summary>
public interface IRelayByteMeter
{
    /// <summary>Counts <paramref name="bytes"/>; false when the tunnel must end now.</summary>
    bool Add(int bytes);
}
