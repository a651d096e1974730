using System.Net;

namespace ProxyRotator.Core.Upstreams;

/// <summary>
/// A SOCKS5 upstream's UDP association: its TCP control connection (closing it ends the association) and the address
/// of its UDP relay, where datagrams go wrapped in the RFC 1928 §7 header.
/// </summary>
public sealed class UpstreamUdpAssociation(UpstreamConnection control, IPEndPoint relay) : IAsyncDisposable
{
    public UpstreamConnection Control { get; } = control;

    public IPEndPoint Relay { get; } = relay;

    public ValueTask DisposeAsync() => Control.DisposeAsync();
}
