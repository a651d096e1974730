namespace ProxyRotator.Gateway.HttpRelay;

/// <summary>How the end of an HTTP/1.1 message body is found (RFC 9112 §6.3).</summary>
internal enum BodyFraming
{
    /// <summary>No body: a request without Content-Length or Transfer-Encoding, HEAD, 1xx, 204, 304.</summary>
    None,
    ContentLength,
    Chunked,
    /// <summary>A response without a length: its body ends when the upstream closes.</summary>
    UntilClose,
}
