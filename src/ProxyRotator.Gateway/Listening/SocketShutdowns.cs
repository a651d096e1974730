using System.Net.Sockets;

namespace ProxyRotator.Gateway.Listening;

/// <summary>Shuts a socket down where a peer or a close may have been first.</summary>
internal static class SocketShutdowns
{
    /// <summary><see cref="Socket.Shutdown"/>, where a socket already gone (reset, closed, disposed) is not an error.</summary>
    public static void Quietly(Socket? socket, SocketShutdown how)
    {
        try
        {
            socket?.Shutdown(how);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Gone already: there is nothing left to end.
        }
    }
}
