namespace ProxyRotator.Core.Pool;

/// <summary>
/// Where and how to reach an upstream proxy. <see cref="ToString"/> masks the password so an endpoint can be
/// logged or shown; use <see cref="ToUri"/> only where the secret is really needed.
/// </summary>
public sealed record UpstreamEndpoint(UpstreamScheme Scheme, string Host, int Port, string? Username, string? Password)
{
    public bool HasCredentials => Username is not null;

    public string SchemeName => Scheme == UpstreamScheme.Http ? "http" : "socks5";

    /// <summary>The identity of an upstream regardless of its credentials: scheme, host and port.</summary>
    public string Address => $"{SchemeName}://{FormatHost(Host)}:{Port}";

    /// <summary>The URL with the password replaced by <c>***</c>.</summary>
    public string ToMaskedString() =>
        Username is null ? Address : $"{SchemeName}://{Uri.EscapeDataString(Username)}:***@{FormatHost(Host)}:{Port}";

    /// <summary>The full URL including the secret. Never log it.</summary>
    public string ToUri() =>
        Username is null
            ? Address
            : $"{SchemeName}://{Uri.EscapeDataString(Username)}:{Uri.EscapeDataString(Password ?? string.Empty)}@{FormatHost(Host)}:{Port}";

    public override string ToString() => ToMaskedString();

    /// <summary>Parses <c>http://</c>, <c>socks5://</c> and <c>socks5h://</c> URLs with optional credentials.</summary>
    public static bool TryParse(string? url, out UpstreamEndpoint? endpoint, out string? error)
    {
        endpoint = null;
        if (string.IsNullOrWhiteSpace(url))
        {
            error = "empty proxy URL";
            return false;
        }

        int schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            error = $"'{Mask(url)}' is not a URL (expected scheme://host:port)";
            return false;
        }

        string schemeText = url[..schemeEnd].ToLowerInvariant();
        UpstreamScheme scheme;
        switch (schemeText)
        {
            case "http": scheme = UpstreamScheme.Http; break;
            case "socks5":
            case "socks5h": scheme = UpstreamScheme.Socks5; break;
            default:
                error = $"unknown scheme '{schemeText}' (expected http, socks5 or socks5h)";
                return false;
        }

        if (!Uri.TryCreate("http" + url[schemeEnd..], UriKind.Absolute, out Uri? uri) || string.IsNullOrEmpty(uri.Host))
        {
            error = $"'{Mask(url)}' is not a valid proxy URL";
            return false;
        }

        if (uri.AbsolutePath is not ("/" or "") || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            error = "a proxy URL has no path, query or fragment";
            return false;
        }

        int explicitPort = ExplicitPort(url[(schemeEnd + 3)..]);
        if (explicitPort <= 0)
        {
            error = "the port is missing or out of range 1-65535";
            return false;
        }

        string? user = null, password = null;
        if (uri.UserInfo.Length > 0)
        {
            int colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? string.Empty : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            if (user.Length > 255 || password.Length > 255)
            {
                error = "username and password are limited to 255 bytes (RFC 1929)";
                return false;
            }
        }

        string host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.Host;
        endpoint = new UpstreamEndpoint(scheme, host, explicitPort, user, password);
        error = null;
        return true;
    }

    private static int ExplicitPort(string afterScheme)
    {
        int at = afterScheme.LastIndexOf('@');
        string hostPort = at >= 0 ? afterScheme[(at + 1)..] : afterScheme;
        hostPort = hostPort.TrimEnd('/');
        int colon = hostPort.LastIndexOf(':');
        if (colon < 0 || hostPort.EndsWith(']'))
        {
            return -1;
        }

        return int.TryParse(hostPort.AsSpan(colon + 1), out int port) && port is > 0 and <= 65535 ? port : -1;
    }

    private static string FormatHost(string host) => host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;

    private static string Mask(string url)
    {
        int at = url.LastIndexOf('@');
        int schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (at <= 0)
        {
            return url;
        }

        // Without a well-formed scheme the user info still ends at the last "@": hide all of it.
        return schemeEnd > 0 && at > schemeEnd ? url[..(schemeEnd + 3)] + "***@" + url[(at + 1)..] : "***@" + url[(at + 1)..];
    }
}
