using System.Net.Sockets;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Core.Upstreams;

/// <summary>
/// A tunnel to the target through an upstream, ready for raw bytes. Read and write through <see cref="Stream"/>: it
/// also returns any bytes the upstream sent right after its handshake answer. Disposing closes the socket.
/// </summary>
public sealed class UpstreamConnection : IAsyncDisposable, IDisposable
{
    internal UpstreamConnection(UpstreamProxy? upstream, UpstreamEndpoint endpoint, Socket socket, Stream stream, TimeSpan connectTime, TimeSpan handshakeTime)
    {
        Upstream = upstream;
        Endpoint = endpoint;
        Socket = socket;
        Stream = stream;
        ConnectTime = connectTime;
        HandshakeTime = handshakeTime;
    }

    /// <summary>The pool's upstream, when the tunnel was opened for one (null for a probe, which knows only the endpoint).</summary>
    public UpstreamProxy? Upstream { get; }

    public UpstreamEndpoint Endpoint { get; }

    /// <summary>The TCP connection to the upstream (for shutdown and socket options; read through <see cref="Stream"/>).</summary>
    public Socket Socket { get; }

    public Stream Stream { get; }

    /// <summary>TCP connect to the upstream.</summary>
    public TimeSpan ConnectTime { get; }

    /// <summary>CONNECT or SOCKS5 handshake, until the upstream said the target is connected.</summary>
    public TimeSpan HandshakeTime { get; }

    public TimeSpan TotalTime => ConnectTime + HandshakeTime;

    /// <summary>
    /// Closes the socket, then the stream. Closing first sends the same FIN (or, with unread bytes, the same reset) as
    /// the stream's own shutdown-then-close, which it then skips: one system call less per connection.
    /// </summary>
    public void Dispose()
    {
        Socket.Dispose();
        Stream.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Socket.Dispose();
        return Stream.DisposeAsync();
    }
}
