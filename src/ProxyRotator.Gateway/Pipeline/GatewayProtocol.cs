namespace ProxyRotator.Gateway.Pipeline;

/// <summary>The front end a request arrived through; each translates its protocol into a <see cref="GatewayRequest"/>.</summary>
public enum GatewayProtocol
{
    /// <summary><c>GET http://host/path</c>: a forwarded HTTP request.</summary>
    AbsoluteForm = 0,
    /// <summary>HTTP <c>CONNECT host:port</c>: a tunnel.</summary>
    Connect,
    /// <summary>SOCKS5 CONNECT: a tunnel.</summary>
    Socks5,
}
