namespace ProxyRotator.Gateway.Http;

/// <summary>
/// Wraps an upstream response's content to count the body bytes that were read from it (and so relayed to the
/// client), whatever the framing: Content-Length, chunked or until close.
/// </summary>
internal sealed class CountingResponseContent(HttpContent inner, ByteCounter counter) : ReadWrappingContent(inner)
{
    protected override Stream Wrap(Stream innerStream) => new ReadCountingStream(innerStream, counter, ownsInner: true);
}
