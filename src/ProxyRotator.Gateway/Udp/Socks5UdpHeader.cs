using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ProxyRotator.Gateway.Udp;

/// <summary>
/// The RFC 1928 §7 header in front of every SOCKS5 UDP datagram: <c>RSV(2) FRAG(1) ATYP(1) DST.ADDR DST.PORT(2)</c>,
/// then the payload. <see cref="Host"/> is the address as text (no brackets for IPv6) or the domain name.
/// </summary>
public readonly record struct Socks5UdpHeader(byte Fragment, byte AddressType, string Host, int Port, int Length)
{
    /// <summary>The longest header: a 255-byte domain name.</summary>
    public const int MaxLength = 4 + 1 + 255 + 2;

    /// <summary>Parses the header; false for a short or malformed one (nonzero RSV, unknown ATYP, empty or non-ASCII name).</summary>
    public static bool TryParse(ReadOnlySpan<byte> datagram, out Socks5UdpHeader header)
    {
        header = default;
        if (datagram.Length < 4 || datagram[0] != 0 || datagram[1] != 0)
        {
            return false;
        }

        byte type = datagram[3];
        int addressEnd;
        string host;
        switch (type)
        {
            case 0x01 when datagram.Length >= 4 + 4 + 2:
                host = new IPAddress(datagram.Slice(4, 4)).ToString();
                addressEnd = 8;
                break;
            case 0x04 when datagram.Length >= 4 + 16 + 2:
                host = new IPAddress(datagram.Slice(4, 16)).ToString();
                addressEnd = 20;
                break;
            case 0x03 when datagram.Length >= 5 && datagram[4] > 0 && datagram.Length >= 5 + datagram[4] + 2:
                ReadOnlySpan<byte> name = datagram.Slice(5, datagram[4]);
                if (!Ascii.IsValid(name))
                {
                    return false;
                }

                host = Encoding.ASCII.GetString(name);
                addressEnd = 5 + name.Length;
                break;
            default:
                return false;
        }

        header = new Socks5UdpHeader(datagram[2], type, host, BinaryPrimitives.ReadUInt16BigEndian(datagram[addressEnd..]), addressEnd + 2);
        return true;
    }

    /// <summary>Writes a FRAG 0 header for an address; returns its length (10 for IPv4, 22 for IPv6).</summary>
    public static int Write(Span<byte> destination, IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        bool v4 = address.AddressFamily == AddressFamily.InterNetwork;
        int length = v4 ? 10 : 22;
        if (destination.Length < length)
        {
            throw new ArgumentException("the destination is too short for the header", nameof(destination));
        }

        destination[0] = 0;
        destination[1] = 0;
        destination[2] = 0;
        destination[3] = v4 ? (byte)0x01 : (byte)0x04;
        address.TryWriteBytes(destination[4..], out int written);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(4 + written)..], (ushort)port);
        return length;
    }
}
