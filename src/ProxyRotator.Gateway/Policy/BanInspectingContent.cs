using System.Net;

namespace ProxyRotator.Gateway.Policy;

/// <summary>
/// Wraps a response's content so its body is read through a <see cref="BanInspectingStream"/>; the headers stay with
/// the original, which the forwarder has already copied to the client's response.
/// </summary>
internal sealed class BanInspectingContent(HttpContent inner, BanBodyInspector inspector) : HttpContent
{
    private Stream? _stream;

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
    {
        _stream = new BanInspectingStream(await inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), inspector);
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
