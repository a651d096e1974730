using System.Net.Sockets;

namespace ProxyRotator.Core.Upstreams;

/// <summary>
/// Turns TCP quick ACKs off (Linux <c>TCP_QUICKACK</c> 0) on a socket the gateway writes to first, as HAProxy's
/// <c>option tcp-smart-connect</c> does. A new connection starts in quick-ACK mode: the kernel would answer the
/// upstream's SYN-ACK with an ACK segment of its own, send the gateway's first bytes (a CONNECT request, a SOCKS5
/// greeting, a relayed request head) in another, and ACK the upstream's answer in a third. With quick ACKs off the
/// first write carries the handshake's ACK and the answer's ACK waits for the next write (the tunnel's or the
/// request's first bytes): two segments fewer per CONNECT tunnel. The cost: an upstream that sends two small
/// segments in a row without <c>TCP_NODELAY</c> (its answer, then a server-first protocol's banner) waits for the
/// delayed ACK once, at most the kernel's delayed-ACK time (40 ms). Not used on the client's side of the gateway,
/// where the client writes first.
/// </summary>
internal static class TcpQuickAck
{
    private const int IpProtocolTcp = 6;
    private const int TcpQuickAckOption = 12;

    private static ReadOnlySpan<byte> Off => [0, 0, 0, 0];

    /// <summary>Call before connecting. Does nothing where the option does not exist.</summary>
    public static void TurnOffBeforeFirstWrite(Socket socket)
    {
        if (OperatingSystem.IsLinux())
        {
            socket.SetRawSocketOption(IpProtocolTcp, TcpQuickAckOption, Off);
        }
    }
}
