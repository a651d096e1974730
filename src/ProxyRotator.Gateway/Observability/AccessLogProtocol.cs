namespace ProxyRotator.Gateway.Observability;

/// <summary>How the client spoke to the gateway: the access log's <c>protocol</c> field.</summary>
public enum AccessLogProtocol
{
    /// <summary>An absolute-form HTTP request (<c>GET http://host/path</c>).</summary>
    Http,

    /// <summary>An HTTP <c>CONNECT</c> tunnel.</summary>
    Connect,

    /// <summary>A SOCKS5 CONNECT tunnel.</summary>
    Socks5,
}
