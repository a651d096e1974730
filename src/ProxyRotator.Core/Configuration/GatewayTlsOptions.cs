namespace ProxyRotator.Core.Configuration;

/// <summary>
/// <c>gateway.tls</c>: the gateway also speaks TLS on its port (an HTTPS proxy). A connection whose first byte is a
/// TLS handshake record is decrypted, then sniffed again (absolute-form HTTP, CONNECT or SOCKS5).
/// </summary>
public sealed class GatewayTlsOptions
{
    /// <summary>PEM file: the server certificate first, then any intermediates (full path after loading).</summary>
    public string CertificatePath { get; set; } = string.Empty;

    /// <summary>PEM file with the certificate's private key (may be the certificate file itself).</summary>
    public string KeyPath { get; set; } = string.Empty;

    /// <summary>
    /// False: a client that does not speak TLS is refused (HTTP 403 <c>tls-required</c>, SOCKS5 "no acceptable
    /// method") before it can send its password in clear text.
    /// </summary>
    public bool PlaintextAuth { get; set; } = true;
}
