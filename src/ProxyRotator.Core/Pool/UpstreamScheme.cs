namespace ProxyRotator.Core.Pool;

/// <summary>The protocol the gateway speaks to an upstream proxy.</summary>
public enum UpstreamScheme
{
    Http = 0,
    /// <summary>SOCKS5 with remote DNS (host names are sent to the upstream); <c>socks5h</c> is an alias.</summary>
    Socks5 = 1,
}
