using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ProxyRotator.Simulation.Upstreams;

/// <summary>
/// One simulated SOCKS5 UDP association: datagrams from the client's relay socket are unwrapped (RFC 1928 §7 header,
/// fragments dropped) and sent from the outgoing socket; answers to the outgoing socket go back to the client wrapped
/// with their source address. An independent codec from the gateway's, so each checks the other.
/// </summary>
internal sealed class SimulatedUdpAssociation(Socket relay, Socket outgoing)
{
    private EndPoint? _client;

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(FromClientAsync(cancellationToken), FromTargetsAsync(cancellationToken));

    private async Task FromClientAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(relay.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await relay.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                return;
            }

            ReadOnlySpan<byte> datagram = buffer.AsSpan(0, received.ReceivedBytes);
            if (datagram.Length < 10 || datagram[2] != 0)
            {
                continue;
            }

            _client = received.RemoteEndPoint;
            int offset;
            string host;
            switch (datagram[3])
            {
                case 1:
                    host = new IPAddress(datagram.Slice(4, 4)).ToString();
                    offset = 8;
                    break;
                case 4 when datagram.Length >= 22:
                    host = new IPAddress(datagram.Slice(4, 16)).ToString();
                    offset = 20;
                    break;
                case 3 when datagram.Length >= 7 + datagram[4]:
                    host = Encoding.ASCII.GetString(datagram.Slice(5, datagram[4]));
                    offset = 5 + datagram[4];
                    break;
                default:
                    continue;
            }

            int port = BinaryPrimitives.ReadUInt16BigEndian(datagram[offset..]);
            int payloadStart = offset + 2;
            int payloadLength = received.ReceivedBytes - payloadStart;
            try
            {
                IPAddress address = IPAddress.TryParse(host, out IPAddress? literal) ? literal
                    : (await Dns.GetHostAddressesAsync(host, outgoing.AddressFamily, cancellationToken).ConfigureAwait(false))[0];
                await outgoing.SendToAsync(buffer.AsMemory(payloadStart, payloadLength), SocketFlags.None, new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or IndexOutOfRangeException)
            {
                // Unreachable or unresolvable: UDP drops it.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task FromTargetsAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(outgoing.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await outgoing.ReceiveFromAsync(buffer.AsMemory(22), SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                return;
            }

            if (_client is not { } client)
            {
                continue;
            }

            var source = (IPEndPoint)received.RemoteEndPoint;
            byte[] address = source.Address.GetAddressBytes();
            int start = 22 - (address.Length + 6);
            buffer[start] = 0;
            buffer[start + 1] = 0;
            buffer[start + 2] = 0;
            buffer[start + 3] = address.Length == 4 ? (byte)1 : (byte)4;
            address.CopyTo(buffer, start + 4);
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(start + 4 + address.Length), (ushort)source.Port);
            try
            {
                await relay.SendToAsync(buffer.AsMemory(start, 22 - start + received.ReceivedBytes), SocketFlags.None, client, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException)
            {
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
