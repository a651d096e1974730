using System.Net.Sockets;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Gateway.HttpRelay;

/// <summary>
/// One keep-alive connection to an upstream (absolute-form), or a tunnel through it to one origin (a SOCKS5 upstream),
/// with its read buffer. Owned by one request at a time; <see cref="UpstreamHttpConnectionPool"/> keeps it between them.
/// </summary>
internal sealed class UpstreamHttpConnection : IDisposable
{
    public UpstreamHttpConnection(UpstreamEndpoint endpoint, Socket socket, Stream stream, int bufferSize)
    {
        Endpoint = endpoint;
        Socket = socket;
        Reader = new RelayReadBuffer(stream, bufferSize);
    }

    /// <summary>The upstream endpoint (and credentials) it was opened for: a changed endpoint makes it stale.</summary>
    public UpstreamEndpoint Endpoint { get; }

    public Socket Socket { get; }

    public RelayReadBuffer Reader { get; }

    public Stream Stream => Reader.Stream;

    /// <summary>When it was last returned to the pool.</summary>
    public long IdleSince { get; set; }

    /// <summary>Requests it has carried (a reused connection that fails before answering is retried on a fresh one).</summary>
    public int Uses { get; set; }

    /// <summary>The <c>Proxy-Authorization</c> value this connection presents (absolute form; null without credentials or through a tunnel). A secret.</summary>
    public string? ProxyAuthorization { get; init; }

    /// <summary>
    /// False when the upstream closed it while it sat idle, or sent bytes nobody asked for: either way it cannot carry
    /// a request. One non-blocking poll, no read.
    /// </summary>
    public bool LooksReusable()
    {
        try
        {
            return Reader.Count == 0 && !Socket.Poll(0, SelectMode.SelectRead);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        Stream.Dispose();
        Socket.Dispose();
        Reader.Dispose();
    }
}
