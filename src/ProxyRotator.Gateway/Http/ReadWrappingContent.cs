using System.Net;

namespace ProxyRotator.Gateway.Http;

/// <summary>
/// Wraps an upstream response's content so its body is read through the stream <see cref="Wrap"/> makes (byte counting,
/// ban inspection); the headers stay with the original, which the forwarder has already copied to the client's response.
/// </summary>
internal abstract class ReadWrappingContent(HttpContent inner) : HttpContent
{
    private Stream? _stream;

    /// <summary>The stream the body is read through, over the original content's stream (which it owns).</summary>
    protected abstract Stream Wrap(Stream innerStream);

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
    {
        _stream = Wrap(await inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
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
