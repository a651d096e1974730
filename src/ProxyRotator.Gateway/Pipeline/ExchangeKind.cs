namespace ProxyRotator.Gateway.Pipeline;

/// <summary>What goes through the upstream once one is dialled.</summary>
public enum ExchangeKind
{
    /// <summary>One HTTP request with its body, forwarded; its response relayed back.</summary>
    Forward = 0,
    /// <summary>A raw byte tunnel to host:port, relayed until either side ends.</summary>
    Tunnel,
}
