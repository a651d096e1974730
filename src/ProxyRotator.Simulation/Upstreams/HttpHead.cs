using System.Globalization;
using System.Text;

namespace ProxyRotator.Simulation.Upstreams;

/// <summary>A parsed HTTP/1.x request or response head: the start line and the header fields in order.</summary>
internal sealed class HttpHead
{
    private HttpHead(string first, string second, string third, List<KeyValuePair<string, string>> headers)
    {
        First = first;
        Second = second;
        Third = third;
        Headers = headers;
    }

    /// <summary>Method of a request, version of a response.</summary>
    public string First { get; }

    /// <summary>Target of a request, status code of a response.</summary>
    public string Second { get; }

    /// <summary>Version of a request, reason phrase of a response (may be empty).</summary>
    public string Third { get; }

    public List<KeyValuePair<string, string>> Headers { get; }

    public int StatusCode => int.TryParse(Second, NumberStyles.None, CultureInfo.InvariantCulture, out int code) ? code : 0;

    /// <summary>Parses a head including its final empty line; false if it is malformed.</summary>
    public static bool TryParse(ReadOnlySpan<byte> head, out HttpHead? result)
    {
        result = null;
        string text = Encoding.Latin1.GetString(head);
        string[] lines = text.Split("\r\n");
        string[] start = lines[0].Split(' ', 3);
        if (start.Length < 2 || start[0].Length == 0 || start[1].Length == 0)
        {
            return false;
        }

        var headers = new List<KeyValuePair<string, string>>(lines.Length);
        for (int i = 1; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }

            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line[colon - 1] is ' ' or '\t')
            {
                return false;
            }

            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }

        result = new HttpHead(start[0], start[1], start.Length > 2 ? start[2] : string.Empty, headers);
        return true;
    }

    public string? Get(string name)
    {
        foreach (KeyValuePair<string, string> header in Headers)
        {
            if (header.Key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }

    /// <summary>True if a comma-separated header (e.g. Connection) lists <paramref name="token"/>.</summary>
    public bool HasToken(string name, string token)
    {
        foreach (KeyValuePair<string, string> header in Headers)
        {
            if (header.Key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                foreach (string part in header.Value.Split(','))
                {
                    if (part.Trim().Equals(token, StringComparison.OrdinalIgnoreCase))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>
    /// The body framing: chunked, a length, or neither (<paramref name="contentLength"/> -1). False when the
    /// framing headers conflict or are invalid (a request smuggling risk, answered with 400).
    /// </summary>
    public bool TryGetFraming(out bool chunked, out long contentLength)
    {
        chunked = false;
        contentLength = -1;
        foreach (KeyValuePair<string, string> header in Headers)
        {
            if (header.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                if (!header.Value.Trim().EndsWith("chunked", StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }

                chunked = true;
            }
            else if (header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!long.TryParse(header.Value, NumberStyles.None, CultureInfo.InvariantCulture, out long length)
                    || (contentLength >= 0 && contentLength != length))
                {
                    return false;
                }

                contentLength = length;
            }
        }

        return !(chunked && contentLength >= 0);
    }

    /// <summary>Writes the head with the fields for which <paramref name="keep"/> is true, plus extra lines.</summary>
    public byte[] Serialize(string startLine, Func<string, bool> keep, string? extraLines = null)
    {
        var builder = new StringBuilder(256);
        builder.Append(startLine).Append("\r\n");
        foreach (KeyValuePair<string, string> header in Headers)
        {
            if (keep(header.Key))
            {
                builder.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
            }
        }

        builder.Append(extraLines).Append("\r\n");
        return Encoding.Latin1.GetBytes(builder.ToString());
    }
}
