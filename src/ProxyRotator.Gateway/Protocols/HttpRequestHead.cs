namespace ProxyRotator.Gateway.Protocols;

/// <summary>A parsed request head: request line and header fields in arrival order.</summary>
public sealed class HttpRequestHead
{
    public required string Method { get; init; }
    public required string Target { get; init; }
    public required string Version { get; init; }
    public required IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; }

    /// <summary>The first value of a header (case-insensitive name), or null.</summary>
    public string? Get(string name)
    {
        foreach (KeyValuePair<string, string> header in Headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }

    /// <summary>Splits an authority-form target (<c>host:port</c>, <c>[v6]:port</c>) as CONNECT uses it.</summary>
    public static bool TryParseAuthority(string authority, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        int colon = authority.LastIndexOf(':');
        if (colon <= 0 || colon == authority.Length - 1
            || !int.TryParse(authority.AsSpan(colon + 1), System.Globalization.NumberStyles.None, null, out port)
            || port is < 1 or > 65535)
        {
            return false;
        }

        string hostPart = authority[..colon];
        if (hostPart.StartsWith('['))
        {
            // A zone id ("[fe80::1%25eth0]") names an interface of this host, meaningless to an upstream (and
            // IPAddress would carry it into address checks that throw on it): refused, as Kestrel refuses it.
            if (!hostPart.EndsWith(']') || hostPart.Contains('%', StringComparison.Ordinal) || !System.Net.IPAddress.TryParse(hostPart[1..^1], out _))
            {
                return false;
            }

            hostPart = hostPart[1..^1];
        }
        else if (hostPart.Contains(':', StringComparison.Ordinal) || !IsValidHostName(hostPart))
        {
            return false;
        }

        host = hostPart;
        return true;
    }

    private static bool IsValidHostName(string host)
    {
        if (host.Length is 0 or > 253)
        {
            return false;
        }

        foreach (char c in host)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
