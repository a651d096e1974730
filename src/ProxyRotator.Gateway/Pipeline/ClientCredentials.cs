namespace ProxyRotator.Gateway.Pipeline;

/// <summary>
/// The credentials a client sent, as its protocol carried them: the <c>Proxy-Authorization</c> value (HTTP), or the
/// RFC 1929 username and password bytes (SOCKS5). Holds a secret: never log it.
/// </summary>
public readonly struct ClientCredentials
{
    private ClientCredentials(string? proxyAuthorization, byte[]? username, byte[]? password)
    {
        ProxyAuthorization = proxyAuthorization;
        Username = username;
        Password = password;
    }

    /// <summary>The HTTP <c>Proxy-Authorization</c> header value, or null.</summary>
    public string? ProxyAuthorization { get; }

    /// <summary>RFC 1929 username (UTF-8), or null for HTTP clients.</summary>
    public byte[]? Username { get; }

    /// <summary>RFC 1929 password (UTF-8), or null for HTTP clients.</summary>
    public byte[]? Password { get; }

    public bool IsSocks => Username is not null;

    public static ClientCredentials Basic(string? proxyAuthorization) => new(proxyAuthorization ?? string.Empty, null, null);

    public static ClientCredentials Socks(byte[] username, byte[] password) => new(null, username, password);
}
