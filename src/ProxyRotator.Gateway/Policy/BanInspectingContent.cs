using ProxyRotator.Gateway.Http;

namespace ProxyRotator.Gateway.Policy;

/// <summary>Wraps a response's content so its body is read through a <see cref="BanInspectingStream"/>.</summary>
internal sealed class BanInspectingContent(HttpContent inner, BanBodyInspector inspector) : ReadWrappingContent(inner)
{
    protected override Stream Wrap(Stream innerStream) => new BanInspectingStream(innerStream, inspector);
}
