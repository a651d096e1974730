using System.IO.Pipelines;
using System.Net.Sockets;
using ProxyRotator.Core.Upstreams;

namespace ProxyRotator.Gateway.Listening;

/// <summary>
/// The transport of a connection the gateway serves itself, outside Kestrel (<see cref="GatewaySocketListener"/>):
/// pipes read and written straight on the socket's stream, with no transport loops of their own, and the socket, so
/// that a tunnel's relay can copy socket to socket once the handshake is done (<see cref="Relay.TunnelRelay"/>).
/// </summary>
public sealed class SocketDuplexPipe : IDuplexPipe
{
    private int _shutDown;

    internal SocketDuplexPipe(Socket socket)
    {
        Socket = socket;
        var stream = new NetworkStream(socket, ownsSocket: false);
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    public Socket Socket { get; }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>Whether <see cref="ShutDown"/> ended both directions already (the connection's close then needs no FIN of its own).</summary>
    internal bool IsShutDown => Volatile.Read(ref _shutDown) != 0;

    /// <summary>Sends all of <paramref name="data"/> on the socket itself, past <see cref="Output"/> (which must hold nothing unflushed).</summary>
    internal ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        SocketSend.AllAsync(Socket, data, cancellationToken);

    /// <summary>
    /// Ends both directions (a FIN to the client; a pending receive wakes with 0 bytes), once: the relay's end of a
    /// tunnel, which the connection's close then does not repeat.
    /// </summary>
    internal void ShutDown()
    {
        if (Interlocked.Exchange(ref _shutDown, 1) != 0)
        {
            return;
        }

        SocketShutdowns.Quietly(Socket, SocketShutdown.Both);
    }
}
