using System.Globalization;

namespace ProxyRotator.Simulation.Upstreams;

/// <summary>Parses the targets a proxy is asked for: <c>http://host[:port]/path</c> and <c>host:port</c>.</summary>
internal static class ProxyTarget
{
    public static bool TryParseAbsolute(string target, out string host, out int port, out string authority, out string pathAndQuery)
    {
        host = authority = pathAndQuery = string.Empty;
        port = 0;
        const string Prefix = "http://";
        if (!target.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        int end = target.IndexOfAny(['/', '?', '#'], Prefix.Length);
        authority = end < 0 ? target[Prefix.Length..] : target[Prefix.Length..end];
        pathAndQuery = end < 0 ? "/" : target[end] == '/' ? target[end..] : "/" + target[end..];
        int hash = pathAndQuery.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            pathAndQuery = pathAndQuery[..hash];
        }

        int at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            authority = authority[(at + 1)..];
        }

        return TryParseAuthority(authority, 80, out host, out port);
    }

    /// <summary>Parses <c>host:port</c>, <c>[v6]:port</c>, or a bare host when <paramref name="defaultPort"/> is positive.</summary>
    public static bool TryParseAuthority(string authority, int defaultPort, out string host, out int port)
    {
        host = string.Empty;
        port = defaultPort;
        string portText;
        if (authority.StartsWith('['))
        {
            int close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = authority[1..close];
            string rest = authority[(close + 1)..];
            if (rest.Length == 0)
            {
                return defaultPort > 0 && host.Length > 0;
            }

            if (rest[0] != ':')
            {
                return false;
            }

            portText = rest[1..];
        }
        else
        {
            int colon = authority.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                host = authority;
                return defaultPort > 0 && host.Length > 0;
            }

            if (authority.IndexOf(':', colon + 1) >= 0)
            {
                return false;
            }

            host = authority[..colon];
            portText = authority[(colon + 1)..];
        }

        return host.Length > 0
            && int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port)
            && port is > 0 and <= 65535;
    }
}
