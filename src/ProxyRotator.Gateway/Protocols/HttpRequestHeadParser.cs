using System.Buffers;
using System.Text;

namespace ProxyRotator.Gateway.Protocols;

/// <summary>
/// A strict HTTP/1.x request-head parser for the heads the gateway handles itself (CONNECT). Everything
/// ambiguous is refused rather than guessed: bare LF, CR/NUL inside values, whitespace before a colon,
/// obsolete line folding, non-ASCII header values, signed, non-digit, repeated or conflicting Content-Length values,
/// Content-Length together with Transfer-Encoding, a Transfer-Encoding whose final coding is not chunked, and method
/// tokens over <see cref="MaxMethodLength"/> characters. Absolute-form requests are held to it as well (see
/// <c>StrictHttp1Reader</c>), so Kestrel's more lenient parser only sees heads this one accepted; the fuzz tests hold
/// it to never accept a head Kestrel refuses (<c>KestrelAgreementTests</c>).
/// </summary>
public static class HttpRequestHeadParser
{
    /// <summary>Longest method token accepted; registered methods have at most 17 characters (UPDATEREDIRECTREF).</summary>
    public const int MaxMethodLength = 32;

    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;

    /// <summary>
    /// Parses one head from <paramref name="buffer"/>. On <see cref="HttpHeadParseStatus.Complete"/>,
    /// <paramref name="consumed"/> is the head's length including the blank line.
    /// </summary>
    public static HttpHeadParseStatus TryParse(in ReadOnlySequence<byte> buffer, int maxHeadBytes, out HttpRequestHead? head, out long consumed, out string? error)
    {
        head = null;
        consumed = 0;
        error = null;

        // Heads are small: search a bounded, contiguous copy so the grammar code works on one span.
        long window = Math.Min(buffer.Length, (long)maxHeadBytes + HeadEnd.Length);
        ReadOnlySequence<byte> bounded = buffer.Slice(0, window);
        byte[]? rented = null;
        ReadOnlySpan<byte> span;
        if (bounded.IsSingleSegment)
        {
            span = bounded.FirstSpan;
        }
        else
        {
            rented = ArrayPool<byte>.Shared.Rent((int)window);
            bounded.CopyTo(rented);
            span = rented.AsSpan(0, (int)window);
        }

        try
        {
            int end = span.IndexOf(HeadEnd);
            if (end < 0)
            {
                if (span.Length > maxHeadBytes)
                {
                    error = "request head too large";
                    return HttpHeadParseStatus.TooLarge;
                }

                // A bare LF can be refused before the head is complete (else it would wait for a CRLFCRLF that never comes).
                if (ContainsBareLineFeed(span))
                {
                    error = "bare LF in the request head";
                    return HttpHeadParseStatus.Malformed;
                }

                // Likewise an absurd method token: 400 now, not 431 once the head limit is reached.
                if (span.Length > MaxMethodLength && span[..(MaxMethodLength + 1)].IndexOf((byte)' ') < 0)
                {
                    error = "method token too long";
                    return HttpHeadParseStatus.Malformed;
                }

                return HttpHeadParseStatus.Incomplete;
            }

            if (end + HeadEnd.Length > maxHeadBytes)
            {
                error = "request head too large";
                return HttpHeadParseStatus.TooLarge;
            }

            if (!TryParseHead(span[..(end + 2)], out head, out error))
            {
                return HttpHeadParseStatus.Malformed;
            }

            consumed = end + HeadEnd.Length;
            return HttpHeadParseStatus.Complete;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // `lines` holds the request line and the header lines, each ending in CRLF.
    private static bool TryParseHead(ReadOnlySpan<byte> lines, out HttpRequestHead? head, out string? error)
    {
        head = null;
        int lineEnd = IndexOfLineEnd(lines, out error);
        if (lineEnd < 0)
        {
            return false;
        }

        if (!TryParseRequestLine(lines[..lineEnd], out string method, out string target, out string version, out error))
        {
            return false;
        }

        var headers = new List<KeyValuePair<string, string>>();
        ReadOnlySpan<byte> rest = lines[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            int end = IndexOfLineEnd(rest, out error);
            if (end < 0)
            {
                return false;
            }

            if (!TryParseHeaderLine(rest[..end], out string name, out string value, out error))
            {
                return false;
            }

            headers.Add(new(name, value));
            rest = rest[(end + 2)..];
        }

        if (!CheckFraming(headers, out error))
        {
            return false;
        }

        head = new HttpRequestHead { Method = method, Target = target, Version = version, Headers = headers };
        return true;
    }

    private static bool ContainsBareLineFeed(ReadOnlySpan<byte> span)
    {
        int offset = 0;
        int lf;
        while ((lf = span[offset..].IndexOf((byte)'\n')) >= 0)
        {
            int at = offset + lf;
            if (at == 0 || span[at - 1] != '\r')
            {
                return true;
            }

            offset = at + 1;
        }

        return false;
    }

    private static int IndexOfLineEnd(ReadOnlySpan<byte> span, out string? error)
    {
        int lf = span.IndexOf((byte)'\n');
        if (lf <= 0 || span[lf - 1] != '\r')
        {
            error = "bare LF in the request head";
            return -1;
        }

        int end = lf - 1;
        if (span[..end].IndexOfAny((byte)'\r', (byte)0) >= 0)
        {
            error = "CR or NUL inside a line of the request head";
            return -1;
        }

        error = null;
        return end;
    }

    private static bool TryParseRequestLine(ReadOnlySpan<byte> line, out string method, out string target, out string version, out string? error)
    {
        method = target = version = string.Empty;
        int sp1 = line.IndexOf((byte)' ');
        int sp2 = sp1 < 0 ? -1 : line[(sp1 + 1)..].IndexOf((byte)' ');
        if (sp1 <= 0 || sp2 <= 0)
        {
            error = "malformed request line";
            return false;
        }

        sp2 += sp1 + 1;
        ReadOnlySpan<byte> methodSpan = line[..sp1];
        ReadOnlySpan<byte> targetSpan = line[(sp1 + 1)..sp2];
        ReadOnlySpan<byte> versionSpan = line[(sp2 + 1)..];
        if (methodSpan.Length > MaxMethodLength)
        {
            error = "method token too long";
            return false;
        }

        if (!IsToken(methodSpan) || targetSpan.IndexOfAnyInRange((byte)0, (byte)' ') >= 0 || targetSpan.IndexOf((byte)0x7F) >= 0
            || !(versionSpan.SequenceEqual("HTTP/1.1"u8) || versionSpan.SequenceEqual("HTTP/1.0"u8)))
        {
            error = "malformed request line";
            return false;
        }

        method = Encoding.ASCII.GetString(methodSpan);
        target = Encoding.ASCII.GetString(targetSpan);
        version = Encoding.ASCII.GetString(versionSpan);
        error = null;
        return true;
    }

    private static bool TryParseHeaderLine(ReadOnlySpan<byte> line, out string name, out string value, out string? error)
    {
        name = value = string.Empty;
        if (line.IsEmpty || line[0] is (byte)' ' or (byte)'\t')
        {
            error = "obsolete line folding is not accepted";
            return false;
        }

        int colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            error = "header line without a name";
            return false;
        }

        ReadOnlySpan<byte> nameSpan = line[..colon];
        if (!IsToken(nameSpan))
        {
            // Includes whitespace between the name and the colon (RFC 9112 §5.1: must be rejected).
            error = "invalid header name";
            return false;
        }

        ReadOnlySpan<byte> valueSpan = line[(colon + 1)..].Trim(" \t"u8);
        foreach (byte b in valueSpan)
        {
            if ((b < 0x20 && b != '\t') || b == 0x7F)
            {
                error = "control character in a header value";
                return false;
            }

            // obs-text: RFC 9110 §5.5 leaves it opaque, Kestrel refuses it on the absolute-form path; refused here too.
            if (b >= 0x80)
            {
                error = "non-ASCII byte in a header value";
                return false;
            }
        }

        name = Encoding.ASCII.GetString(nameSpan);
        value = Encoding.Latin1.GetString(valueSpan);
        error = null;
        return true;
    }

    private static bool CheckFraming(List<KeyValuePair<string, string>> headers, out string? error)
    {
        string? contentLength = null;
        bool transferEncoding = false;
        foreach ((string name, string value) in headers)
        {
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                // Repeated, even with equal values, is refused as Kestrel refuses it on the absolute-form path
                // (RFC 9112 §6.3 lets a recipient choose; both paths choose the same).
                if (!long.TryParse(value, System.Globalization.NumberStyles.None, null, out _) || contentLength is not null)
                {
                    error = "invalid or repeated Content-Length";
                    return false;
                }

                contentLength = value;
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                // RFC 9112 §6.3: a request whose final transfer coding is not chunked has no determinable length.
                int comma = value.LastIndexOf(',');
                if (!value.AsSpan(comma + 1).Trim(" \t").Equals("chunked", StringComparison.OrdinalIgnoreCase))
                {
                    error = "Transfer-Encoding whose final coding is not chunked";
                    return false;
                }

                transferEncoding = true;
            }
        }

        if (contentLength is not null && transferEncoding)
        {
            error = "Content-Length together with Transfer-Encoding";
            return false;
        }

        error = null;
        return true;
    }

    private static bool IsToken(ReadOnlySpan<byte> span)
    {
        if (span.IsEmpty)
        {
            return false;
        }

        foreach (byte b in span)
        {
            bool ok = b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
                || "!#$%&'*+-.^_`|~"u8.Contains(b);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
