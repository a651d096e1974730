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

    /// <summary>The most bytes a connection may have read before its pipe takes over (<c>prefix</c> below).</summary>
    internal const int MaxPrefixBytes = 1024;

    /// <param name="socket">The connection's socket.</param>
    /// <param name="prefix">
    /// Bytes the listener already read from the socket, read first (at most <see cref="MaxPrefixBytes"/>, so that the
    /// pipe's first read takes them all: the tunnel relay then finds every byte read so far buffered in the pipe).
    /// </param>
    internal SocketDuplexPipe(Socket socket, byte[]? prefix = null)
    {
        if (prefix is { Length: > MaxPrefixBytes })
        {
            throw new ArgumentOutOfRangeException(nameof(prefix), "longer than the pipe's first read");
        }

        Socket = socket;
        var network = new NetworkStream(socket, ownsSocket: false);
        Stream stream = prefix is { Length: > 0 } ? new PrefixedStream(prefix, network) : network;
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: MaxPrefixBytes, leaveOpen: true));
        Output = PipeWriter.Create(network, new StreamPipeWriterOptions(leaveOpen: true));
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
