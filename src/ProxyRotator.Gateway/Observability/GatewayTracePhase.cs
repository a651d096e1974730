namespace ProxyRotator.Gateway.Observability;

/// <summary>The steps of one attempt through one upstream, each a child span of the request's span.</summary>
public enum GatewayTracePhase
{
    /// <summary>Choosing the upstream (<c>proxyrotator.pick</c>).</summary>
    Pick,

    /// <summary>The TCP connect to the upstream (<c>proxyrotator.dial</c>).</summary>
    Dial,

    /// <summary>The upstream's CONNECT or SOCKS5 handshake, or the forwarded request up to its response head (<c>proxyrotator.upstream_handshake</c>).</summary>
    UpstreamHandshake,

    /// <summary>Bytes relayed between client and upstream (<c>proxyrotator.relay</c>).</summary>
    Relay,
}
