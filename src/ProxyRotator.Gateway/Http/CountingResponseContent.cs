using System.Net;

namespace ProxyRotator.Gateway.Http;

/// <summary>
/// Wraps an upstream response's content to count the body bytes that were read from it (and so relayed to the
/// client), whatever the framing: Content-Length, chunked or until close. The headers stay with the original,
/// which the forwarder has already copied to the client's response.
/// </summary>
internal sealed class CountingResponseContent(HttpContent inner, ByteCounter counter) : HttpContent
{
    private ReadCountingStream? _stream;

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
    {
        _stream = new ReadCountingStream(await inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), counter, ownsInner: true);
        return _stream;
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        Stream source = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
        await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stream?.Dispose();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
