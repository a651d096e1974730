namespace ProxyRotator.Gateway.Relay;

/// <summary>Which side ended a tunnel.</summary>
public enum RelayEnd
{
    /// <summary>The upstream side closed (normal end of a tunnel).</summary>
    UpstreamClosed,
    /// <summary>The client closed or reset its connection.</summary>
    ClientClosed,
    /// <summary>Neither side sent anything for the idle timeout.</summary>
    IdleTimeout,
    /// <summary>A read or write failed on the upstream side.</summary>
    UpstreamFailed,
    /// <summary>The gateway is shutting down or the caller cancelled.</summary>
    Cancelled,
    /// <summary>The account's byte quota was spent while the tunnel ran (<see cref="IRelayByteMeter"/>).</summary>
    QuotaExhausted,
}
