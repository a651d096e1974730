using System.Globalization;
using System.Net;

namespace ProxyRotator.Core.Configuration;

/// <summary>
/// A listener address from the configuration, <c>host:port</c>. The one parser of listen addresses: the gateway's
/// and the admin's listeners and the target policy's "is this the gateway itself" check all read them here, so a
/// host means the same everywhere:
/// <list type="bullet">
/// <item><c>*</c>: every interface, IPv4 and IPv6 (Kestrel's <c>ListenAnyIP</c>);</item>
/// <item><c>0.0.0.0</c>: every IPv4 interface; <c>[::]</c>: every IPv6 interface (dual-stack where the OS allows);</item>
/// <item><c>localhost</c>: the loopback address of both families;</item>
/// <item>an IPv4 address or a bracketed IPv6 address: that address only (host names are refused).</item>
/// </list>
/// Port 0 (any free port) is only accepted when <c>allowAnyPort</c> is set — configurations built in code by tests
/// use it; files need a real port.
/// </summary>
public sealed record ListenAddress(string Host, int Port)
{
    /// <summary>The host was <c>*</c>: every interface of both families.</summary>
    public bool IsEveryInterface => Host == "*";

    /// <summary>Any of the "every interface" forms (<c>*</c>, <c>0.0.0.0</c>, <c>[::]</c>).</summary>
    public bool IsAnyAddress => Host is "*" or "0.0.0.0" or "::";

    public bool IsLocalhost => string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase);

    /// <summary>The IP to bind; <see cref="IPAddress.IPv6Any"/> for <c>*</c> (dual-stack); null for <c>localhost</c> (bind loopback on both families).</summary>
    public IPAddress? Address => Host switch
    {
        "*" => IPAddress.IPv6Any,
        _ when IsLocalhost => null,
        _ => IPAddress.Parse(Host),
    };

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    public static bool TryParse(string? text, bool allowAnyPort, out ListenAddress? address, out string? error)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "a listen address 'host:port' is required";
            return false;
        }

        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            error = $"'{text}' is not 'host:port' (e.g. \"127.0.0.1:8080\", \"[::1]:8080\", \"*:8080\")";
            return false;
        }

        string host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
            if (!IPAddress.TryParse(host, out IPAddress? v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                error = $"'{text}' has an invalid IPv6 address";
                return false;
            }

            host = v6.ToString();
        }
        else if (host != "*" && !string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            if (host.Contains(':', StringComparison.Ordinal))
            {
                error = $"'{text}': write IPv6 addresses in brackets, e.g. \"[::1]:8080\"";
                return false;
            }

            if (!IPAddress.TryParse(host, out IPAddress? v4) || v4.ToString() != host)
            {
                error = $"'{text}': the host must be an IP address, 'localhost' or '*' (a listener binds an address, not a name)";
                return false;
            }
        }

        int minPort = allowAnyPort ? 0 : 1;
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port < minPort || port > 65535)
        {
            error = $"'{text}': the port must be {minPort}-65535";
            return false;
        }

        address = new ListenAddress(host, port);
        error = null;
        return true;
    }
}
