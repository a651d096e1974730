using System.Buffers;
using System.Buffers.Text;
using System.Text;
using ProxyRotator.Gateway.Protocols;

namespace ProxyRotator.Gateway.HttpRelay;

/// <summary>
/// An upstream's response head, parsed in place in the upstream's read buffer (header positions only, no strings):
/// status, framing, whether the connection may be reused, and what the client's copy leaves out. One instance per
/// relayed connection, parsed again for every response.
/// </summary>
internal sealed class UpstreamResponseHead
{
    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;

    /// <summary>Response headers that are hop-by-hop, or the upstream's own business, as the forwarder drops them.</summary>
    private static readonly string[] _dropped = ["Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authentication-Info", "Upgrade", "TE", "Trailer"];

    private readonly List<HeaderRange> _headers = [];
    private int _statusLineEnd;
    private int _contentLengthIndex = -1;
    private int _connectionIndex = -1;

    public int Status { get; private set; }

    /// <summary>Bytes of the head including its blank line.</summary>
    public int Length { get; private set; }

    public BodyFraming Framing { get; private set; }

    public long ContentLength { get; private set; }

    /// <summary>The upstream keeps the connection open after this response (HTTP/1.1 without <c>Connection: close</c>).</summary>
    public bool KeepAlive { get; private set; }

    public bool HasProxyAuthenticate { get; private set; }

    /// <summary>
    /// Parses the head at the start of <paramref name="buffer"/>. Incomplete while no blank line was seen within
    /// <paramref name="maxBytes"/>; <paramref name="noBody"/> for an answer to HEAD.
    /// </summary>
    public HttpHeadParseStatus Parse(ReadOnlySpan<byte> buffer, int maxBytes, bool noBody)
    {
        int end = buffer[..Math.Min(buffer.Length, maxBytes)].IndexOf(HeadEnd);
        if (end < 0)
        {
            return buffer.Length >= maxBytes ? HttpHeadParseStatus.TooLarge : HttpHeadParseStatus.Incomplete;
        }

        _headers.Clear();
        _contentLengthIndex = _connectionIndex = -1;
        HasProxyAuthenticate = false;
        Length = end + HeadEnd.Length;
        ReadOnlySpan<byte> head = buffer[..(end + 2)];
        int lineEnd = head.IndexOf("\r\n"u8);
        if (!TryParseStatusLine(head[..lineEnd], out bool http11))
        {
            return HttpHeadParseStatus.Malformed;
        }

        _statusLineEnd = lineEnd;
        bool chunked = false, otherCoding = false, close = !http11;
        int position = lineEnd + 2;
        while (position < head.Length)
        {
            int length = head[position..].IndexOf("\r\n"u8);
            ReadOnlySpan<byte> line = head.Slice(position, length);
            int colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[0] is (byte)' ' or (byte)'\t' || line[..colon].IndexOfAny((byte)' ', (byte)'\t') >= 0 || line.IndexOfAny((byte)'\r', (byte)'\n', (byte)0) >= 0)
            {
                return HttpHeadParseStatus.Malformed;
            }

            ReadOnlySpan<byte> value = line[(colon + 1)..].Trim(" \t"u8);
            int valueStart = position + colon + 1 + (line.Length - colon - 1 - line[(colon + 1)..].TrimStart(" \t"u8).Length);
            var range = new HeaderRange(position, colon, valueStart, value.Length);
            ReadOnlySpan<byte> name = line[..colon];
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!Utf8Parser.TryParse(value, out long contentLength, out int used) || used != value.Length || contentLength < 0
                    || (_contentLengthIndex >= 0 && contentLength != ContentLength))
                {
                    return HttpHeadParseStatus.Malformed;
                }

                ContentLength = contentLength;
                _contentLengthIndex = _headers.Count;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                int comma = value.LastIndexOf((byte)',');
                bool last = Ascii.EqualsIgnoreCase(value[(comma + 1)..].Trim(" \t"u8), "chunked"u8);
                chunked = last;
                otherCoding |= !last;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                _connectionIndex = _headers.Count;
                close |= ContainsToken(value, "close"u8);
                if (!http11 && ContainsToken(value, "keep-alive"u8))
                {
                    close = false;
                }
            }
            else if (Ascii.EqualsIgnoreCase(name, "Proxy-Authenticate"u8))
            {
                HasProxyAuthenticate = true;
            }

            _headers.Add(range);
            position += length + 2;
        }

        Framing = noBody || Status is < 200 or 204 or 304 ? BodyFraming.None
            : chunked && !otherCoding ? BodyFraming.Chunked
            : otherCoding ? BodyFraming.UntilClose
            : _contentLengthIndex >= 0 ? BodyFraming.ContentLength
            : BodyFraming.UntilClose;
        if (Framing != BodyFraming.ContentLength)
        {
            ContentLength = 0;
        }

        KeepAlive = !close && Framing != BodyFraming.UntilClose;
        return HttpHeadParseStatus.Complete;
    }

    /// <summary>
    /// Writes the client's copy: <c>HTTP/1.1</c> with the upstream's status and reason, every end-to-end header
    /// unchanged and in order (framing included: the body is relayed as it comes), then <paramref name="extra"/>.
    /// </summary>
    public void WriteForClient(ReadOnlySpan<byte> head, ArrayBufferWriter<byte> output, bool close, ReadOnlySpan<KeyValuePair<string, string>> extra)
    {
        Write(output, "HTTP/1.1"u8);
        Write(output, head[8.._statusLineEnd]);
        Write(output, "\r\n"u8);
        ReadOnlySpan<byte> connectionValue = _connectionIndex >= 0 ? Value(head, _headers[_connectionIndex]) : default;
        bool lengthIgnored = Framing != BodyFraming.ContentLength && Framing != BodyFraming.None;
        for (int i = 0; i < _headers.Count; i++)
        {
            HeaderRange header = _headers[i];
            ReadOnlySpan<byte> name = head.Slice(header.Start, header.NameLength);
            if (IsDropped(name) || (i == _contentLengthIndex && lengthIgnored) || (!connectionValue.IsEmpty && ContainsToken(connectionValue, name)))
            {
                continue;
            }

            Write(output, head.Slice(header.Start, header.ValueStart + header.ValueLength - header.Start));
            Write(output, "\r\n"u8);
        }

        foreach ((string name, string value) in extra)
        {
            WriteAscii(output, name);
            Write(output, ": "u8);
            WriteAscii(output, value);
            Write(output, "\r\n"u8);
        }

        if (close)
        {
            Write(output, "Connection: close\r\n"u8);
        }

        Write(output, "\r\n"u8);
    }

    /// <summary>
    /// The head as a message without a body, for the rare statuses the gateway judges (its 407, a 5xx, a ban rule's
    /// status): the same judges as the forwarded path then read the same headers.
    /// </summary>
    public HttpResponseMessage ToMessage(ReadOnlySpan<byte> head)
    {
        var message = new HttpResponseMessage((System.Net.HttpStatusCode)Status) { Content = new ByteArrayContent([]) };
        foreach (HeaderRange header in _headers)
        {
            string name = Encoding.Latin1.GetString(head.Slice(header.Start, header.NameLength));
            string value = Encoding.Latin1.GetString(Value(head, header));
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }

    internal static bool ContainsToken(ReadOnlySpan<byte> list, ReadOnlySpan<byte> token)
    {
        foreach (Range part in list.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(list[part].Trim(" \t"u8), token))
            {
                return true;
            }
        }

        return false;
    }

    internal static void Write(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);

    internal static void WriteAscii(ArrayBufferWriter<byte> output, string text)
    {
        Span<byte> span = output.GetSpan(text.Length);
        int written = Encoding.Latin1.GetBytes(text, span);
        output.Advance(written);
    }

    private static ReadOnlySpan<byte> Value(ReadOnlySpan<byte> head, HeaderRange header) => head.Slice(header.ValueStart, header.ValueLength);

    private static bool IsDropped(ReadOnlySpan<byte> name)
    {
        foreach (string dropped in _dropped)
        {
            if (Ascii.EqualsIgnoreCase(name, dropped))
            {
                return true;
            }
        }

        return false;
    }

    // HTTP/1.x SSS[ reason]
    private bool TryParseStatusLine(ReadOnlySpan<byte> line, out bool http11)
    {
        http11 = false;
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || line[7] is not ((byte)'0' or (byte)'1') || line[8] != ' '
            || (line.Length > 12 && line[12] != ' ')
            || !Utf8Parser.TryParse(line.Slice(9, 3), out int status, out int used) || used != 3 || status is < 100 or > 999)
        {
            return false;
        }

        http11 = line[7] == '1';
        Status = status;
        return true;
    }

    private readonly record struct HeaderRange(int Start, int NameLength, int ValueStart, int ValueLength);
}
