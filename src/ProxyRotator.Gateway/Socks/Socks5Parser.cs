using System.Buffers;
using System.Net;
using System.Text;

namespace ProxyRotator.Gateway.Socks;

/// <summary>
/// Incremental parsers for the three client messages of a SOCKS5 handshake. Each returns false while the
/// message is incomplete (nothing consumed) and reports a protocol error through <c>error</c>.
/// </summary>
public static class Socks5Parser
{
    /// <summary>VER NMETHODS METHODS: true when complete; <paramref name="offersUserPassword"/> says if 0x02 is offered.</summary>
    public static bool TryParseGreeting(in ReadOnlySequence<byte> buffer, out long consumed, out bool offersUserPassword, out string? error) =>
        TryParseGreeting(buffer, out consumed, out offersUserPassword, out _, out error);

    /// <summary>As above; <paramref name="offersNoAuthentication"/> says if 0x00 is offered.</summary>
    public static bool TryParseGreeting(in ReadOnlySequence<byte> buffer, out long consumed, out bool offersUserPassword, out bool offersNoAuthentication, out string? error)
    {
        consumed = 0;
        offersUserPassword = false;
        offersNoAuthentication = false;
        error = null;
        if (buffer.Length < 2)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[2];
        buffer.Slice(0, 2).CopyTo(head);
        if (head[0] != Socks5Constants.Version || head[1] == 0)
        {
            error = "bad SOCKS5 greeting";
            return true;
        }

        int total = 2 + head[1];
        int present = (int)Math.Min(buffer.Length, total) - 2;
        Span<byte> methods = stackalloc byte[head[1]];
        buffer.Slice(2, present).CopyTo(methods);
        if (!AreMethodCodes(methods[..present]))
        {
            // Garbage, not a slow client: answer now instead of waiting for the rest until the head timeout.
            error = "bad SOCKS5 greeting";
            return true;
        }

        if (present < head[1])
        {
            return false;
        }

        offersUserPassword = methods.Contains(Socks5Constants.MethodUsernamePassword);
        offersNoAuthentication = methods.Contains(Socks5Constants.MethodNoAuthentication);
        consumed = total;
        return true;
    }

    /// <summary>RFC 1928 §3: 0x00-0x09 are assigned (IANA), 0x80-0xFE private; 0x0A-0x7F unassigned and 0xFF is "no acceptable".</summary>
    private static bool AreMethodCodes(ReadOnlySpan<byte> methods) =>
        methods.IndexOfAnyInRange((byte)0x0A, (byte)0x7F) < 0 && !methods.Contains((byte)0xFF);

    /// <summary>RFC 1929: VER ULEN UNAME PLEN PASSWD (raw UTF-8). Control characters in either field are a protocol error.</summary>
    public static bool TryParseCredentials(in ReadOnlySequence<byte> buffer, out long consumed, out byte[] username, out byte[] password, out string? error)
    {
        consumed = 0;
        username = password = [];
        error = null;
        if (buffer.Length < 2)
        {
            return false;
        }

        byte[] bytes = buffer.Slice(0, Math.Min(buffer.Length, 2 + 255 + 1 + 255)).ToArray();
        if (bytes[0] != Socks5Constants.AuthVersion)
        {
            error = "bad RFC 1929 version";
            return true;
        }

        int userLength = bytes[1];
        if (bytes.Length < 2 + userLength + 1)
        {
            return false;
        }

        int passwordLength = bytes[2 + userLength];
        int total = 3 + userLength + passwordLength;
        if (bytes.Length < total)
        {
            return false;
        }

        ReadOnlySpan<byte> user = bytes.AsSpan(2, userLength);
        ReadOnlySpan<byte> pass = bytes.AsSpan(3 + userLength, passwordLength);
        if (user.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0 || pass.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0
            || user.IndexOf((byte)0x7F) >= 0 || pass.IndexOf((byte)0x7F) >= 0)
        {
            error = "control character in SOCKS5 credentials";
            consumed = total;
            return true;
        }

        username = user.ToArray();
        password = pass.ToArray();
        consumed = total;
        return true;
    }

    /// <summary>
    /// VER CMD RSV ATYP DST.ADDR DST.PORT. An unknown address type is reported with
    /// <paramref name="request"/>.AddressType set and an empty host (answer 0x08). Port 0 is an error only for
    /// CONNECT: BIND and UDP ASSOCIATE carry 0.0.0.0:0 when the client does not know its address yet, and must get
    /// "command not supported" (0x07), not a general failure.
    /// </summary>
    public static bool TryParseRequest(in ReadOnlySequence<byte> buffer, out long consumed, out Socks5Request request, out string? error)
    {
        consumed = 0;
        request = default;
        error = null;
        if (buffer.Length < 5)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[5];
        buffer.Slice(0, 5).CopyTo(head);
        if (head[0] != Socks5Constants.Version || head[2] != 0)
        {
            error = "bad SOCKS5 request";
            return true;
        }

        byte command = head[1];
        byte addressType = head[3];
        int addressLength = addressType switch
        {
            Socks5Constants.AddressIPv4 => 4,
            Socks5Constants.AddressIPv6 => 16,
            Socks5Constants.AddressDomain => 1 + head[4],
            _ => -1,
        };
        if (addressLength < 0)
        {
            request = new Socks5Request(command, addressType, string.Empty, 0);
            consumed = buffer.Length;
            return true;
        }

        int total = 4 + addressLength + 2;
        if (buffer.Length < total)
        {
            return false;
        }

        byte[] bytes = buffer.Slice(0, total).ToArray();
        ReadOnlySpan<byte> address = bytes.AsSpan(4, addressLength);
        string host;
        if (addressType == Socks5Constants.AddressDomain)
        {
            ReadOnlySpan<byte> name = address[1..];
            // Printable ASCII only: an international name travels as punycode, and a non-ASCII byte would otherwise
            // be decoded to '?' and name another host than the client sent (found by Socks5ParserFuzzTests).
            if (name.IsEmpty || name.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7E) >= 0)
            {
                error = "bad SOCKS5 domain name";
                consumed = total;
                return true;
            }

            host = Encoding.ASCII.GetString(name);
        }
        else
        {
            host = new IPAddress(address).ToString();
        }

        int port = (bytes[total - 2] << 8) | bytes[total - 1];
        if (port == 0 && command == Socks5Constants.CommandConnect)
        {
            error = "SOCKS5 destination port 0";
            consumed = total;
            return true;
        }

        request = new Socks5Request(command, addressType, host, port);
        consumed = total;
        return true;
    }
}
