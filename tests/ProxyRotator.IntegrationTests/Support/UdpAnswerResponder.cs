using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ProxyRotator.IntegrationTests.Support;

/// <summary>
/// A DNS-style UDP responder on loopback: every datagram "q" is answered with "answer:" + q upper-cased, sent back to
/// its sender. It records who asked, so a test can see which address a relayed datagram came from.
/// </summary>
public sealed class UdpAnswerResponder : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public UdpAnswerResponder(IPEndPoint bindTo)
    {
        _socket = new Socket(bindTo.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(bindTo);
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _loop = RunAsync();
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Senders and queries, in arrival order.</summary>
    public ConcurrentQueue<(IPEndPoint Sender, string Query)> Received { get; } = new();

    public static string AnswerFor(string query) => "answer:" + query.ToUpperInvariant();

    private async Task RunAsync()
    {
        byte[] buffer = new byte[65536];
        try
        {
            while (true)
            {
                SocketReceiveFromResult received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                string query = Encoding.ASCII.GetString(buffer, 0, received.ReceivedBytes);
                var sender = (IPEndPoint)received.RemoteEndPoint;
                Received.Enqueue((sender, query));
                await _socket.SendToAsync(Encoding.ASCII.GetBytes(AnswerFor(query)), SocketFlags.None, sender, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _loop;
        _stop.Dispose();
    }
}
