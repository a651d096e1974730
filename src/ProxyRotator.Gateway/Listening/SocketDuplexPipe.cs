using System.IO.Pipelines;
using System.Net.Sockets;

namespace ProxyRotator.Gateway.Listening;

/// <summary>
/// The transport of a connection the gateway serves itself, outside Kestrel (<see cref="GatewaySocketListener"/>):
/// pipes read and written straight on the socket's stream, with no transport loops of their own, and the socket, so
/// that a tunnel's relay can copy socket to socket once the handshake is done (<see cref="Relay.TunnelRelay"/>).
/// </summary>
public sealed class SocketDuplexPipe : IDuplexPipe
{
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
}
