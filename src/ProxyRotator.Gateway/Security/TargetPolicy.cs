using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using ProxyRotator.Core.Configuration;

namespace ProxyRotator.Gateway.Security;

/// <summary>
/// Decides whether a client may reach a target <c>host:port</c> through the gateway.
/// <list type="bullet">
/// <item>Port 0 (or out of range) and malformed hosts: refused.</item>
/// <item>The gateway's own listeners and the admin listener: always refused (no proxy loops) — the same IP and port,
/// and for a <c>0.0.0.0</c>/<c>::</c> listener any local, loopback or unspecified address with that port.</item>
/// <item>Link-local (169.254.0.0/16 incl. the 169.254.169.254 cloud metadata service, fe80::/10): refused unless
/// the target is on the explicit allow list (<see cref="GatewayOptions.AllowedTargets"/>); <c>allowPrivateTargets</c>
/// does not open them.</item>
/// <item>Loopback, private (RFC 1918, CGNAT 100.64.0.0/10, ULA fc00::/7, fec0::/10, 240.0.0.0/4), unspecified,
/// multicast and broadcast: refused unless <c>allowPrivateTargets</c> or the allow list says otherwise.</item>
/// </list>
/// IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::/96) addresses are judged by their
/// IPv4 address; numeric forms such as <c>2130706433</c> or <c>127.1</c> are judged as the address they denote.
/// Host names are not resolved here — the upstream resolves them (remote DNS), on its own network — so only
/// <c>localhost</c> and <c>*.localhost</c> are known to be loopback; a public name that resolves to a private address
/// is the upstream's concern, not the gateway's.
/// </summary>
public sealed class TargetPolicy
{
    private static readonly IPNetwork[] _privateV4 =
    [
        IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("240.0.0.0/4"),
    ];

    private static readonly IPNetwork[] _privateV6 = [IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fec0::/10")];
    private static readonly IPNetwork _nat64 = IPNetwork.Parse("64:ff9b::/96");

    // RFC 8215: NAT64 prefixes for local use; they translate into whatever the operator's network holds.
    private static readonly IPNetwork _nat64LocalUse = IPNetwork.Parse("64:ff9b:1::/48");

    // RFC 2765 (SIIT) IPv4-translated addresses, ::ffff:0:a.b.c.d.
    private static readonly IPNetwork _ipv4Translated = IPNetwork.Parse("::ffff:0:0:0/96");

    private readonly bool _allowPrivateTargets;
    private readonly IPNetwork[] _allowedNetworks;
    private readonly HashSet<string> _allowedHosts;
    private readonly HashSet<IPAddress> _localAddresses;
    private readonly Lock _endpointsLock = new();
    private volatile OwnEndpoint[] _ownEndpoints;

    /// <param name="gateway">Listen addresses, <c>allowPrivateTargets</c> and the allow list.</param>
    /// <param name="admin">The admin listener, never a target.</param>
    /// <param name="localAddresses">This machine's addresses (a 0.0.0.0 listener is reachable on each); null reads the network interfaces.</param>
    public TargetPolicy(GatewayOptions gateway, AdminOptions admin, IEnumerable<IPAddress>? localAddresses = null)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        ArgumentNullException.ThrowIfNull(admin);
        _allowPrivateTargets = gateway.AllowPrivateTargets;

        var networks = new List<IPNetwork>();
        _allowedHosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string entry in gateway.AllowedTargets)
        {
            if (TryParseNetwork(entry, out IPNetwork network))
            {
                networks.Add(network);
            }
            else if (IsHostName(entry.AsSpan().TrimEnd('.')))
            {
                _allowedHosts.Add(entry.TrimEnd('.'));
            }
            else
            {
                throw new ArgumentException($"gateway.allowedTargets: '{entry}' is neither an address, a network (a.b.c.d/n) nor a host name.", nameof(gateway));
            }
        }

        _allowedNetworks = [.. networks];
        _localAddresses = new HashSet<IPAddress>((localAddresses ?? ReadLocalAddresses()).Select(Normalize));

        var own = new List<OwnEndpoint>();
        foreach (string listen in gateway.Listen.Append(admin.Listen))
        {
            if (TryParseListen(listen, out OwnEndpoint endpoint) && endpoint.Port != 0)
            {
                own.Add(endpoint);
            }
        }

        _ownEndpoints = [.. own];
    }

    public TargetPolicy(ProxyRotatorConfig config)
        : this((config ?? throw new ArgumentNullException(nameof(config))).Gateway, config.Admin)
    {
    }

    /// <summary>
    /// Adds an endpoint the product actually listens on (e.g. after binding port 0), so it is refused as a target too.
    /// </summary>
    public void RegisterListenEndpoint(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        IPAddress address = Normalize(endpoint.Address);
        var own = new OwnEndpoint(IsUnspecified(address) ? null : address, endpoint.Port, IsLoopbackName: false);
        lock (_endpointsLock)
        {
            _ownEndpoints = [.. _ownEndpoints, own];
        }
    }

    /// <summary>Judges a target as a client named it: a host name or IP literal (IPv6 with or without brackets) and a port.</summary>
    public TargetDecision Evaluate(ReadOnlySpan<char> host, int port)
    {
        if (port is < 1 or > 65535)
        {
            return new TargetDecision(TargetRefusalReason.InvalidPort);
        }

        if (host.Length > 2 && host[0] == '[' && host[^1] == ']')
        {
            host = host[1..^1];
        }

        if (host.IsEmpty || host.Length > 255)
        {
            return new TargetDecision(TargetRefusalReason.InvalidHost);
        }

        if (host.Contains('%'))
        {
            // A zone id (fe80::1%eth0, ::1%1) names an interface of the machine that parses it: meaningless to an
            // upstream, and it made scoped loopback slip past the own-endpoint check.
            return new TargetDecision(TargetRefusalReason.InvalidHost);
        }

        if (IPAddress.TryParse(host, out IPAddress? address))
        {
            return Evaluate(address, port);
        }

        ReadOnlySpan<char> name = host.TrimEnd('.');
        if (name.Length != host.Length && IPAddress.TryParse(name, out address))
        {
            // "127.0.0.1." and "2130706433.": resolvers read these as the address they denote.
            return Evaluate(address, port);
        }

        if (!IsHostName(name) || IsNumericLabel(LastLabel(name)))
        {
            // An all-numeric or 0x top label is no DNS name (RFC 3696 §2) but inet_aton may still read it as an address.
            return new TargetDecision(TargetRefusalReason.InvalidHost);
        }

        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            // RFC 6761: these names are loopback wherever they are resolved, over IPv4 or IPv6.
            if (IsOwnEndpoint(IPAddress.Loopback, port) || IsOwnEndpoint(IPAddress.IPv6Loopback, port))
            {
                return new TargetDecision(TargetRefusalReason.OwnEndpoint);
            }

            if (_allowedHosts.GetAlternateLookup<ReadOnlySpan<char>>().Contains(name))
            {
                return TargetDecision.Allow;
            }

            return Evaluate(IPAddress.Loopback, port);
        }

        return TargetDecision.Allow;
    }

    /// <summary>Judges an IP target.</summary>
    public TargetDecision Evaluate(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (port is < 1 or > 65535)
        {
            return new TargetDecision(TargetRefusalReason.InvalidPort);
        }

        address = Normalize(address);
        if (IsOwnEndpoint(address, port))
        {
            return new TargetDecision(TargetRefusalReason.OwnEndpoint);
        }

        foreach (IPNetwork network in _allowedNetworks)
        {
            if (network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address))
            {
                return TargetDecision.Allow;
            }
        }

        TargetRefusalReason category = Classify(address);
        if (category == TargetRefusalReason.LinkLocal || (category != TargetRefusalReason.None && !_allowPrivateTargets))
        {
            return new TargetDecision(category);
        }

        return TargetDecision.Allow;
    }

    /// <summary>The special range an address belongs to, or <see cref="TargetRefusalReason.None"/> for a public address.</summary>
    public static TargetRefusalReason Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = Normalize(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return b[0] switch
            {
                0 => TargetRefusalReason.Unspecified,
                127 => TargetRefusalReason.Loopback,
                169 when b[1] == 254 => TargetRefusalReason.LinkLocal,
                >= 224 and <= 239 => TargetRefusalReason.Multicast,
                255 when b[1] == 255 && b[2] == 255 && b[3] == 255 => TargetRefusalReason.Broadcast,
                _ => InAny(_privateV4, address) ? TargetRefusalReason.Private : TargetRefusalReason.None,
            };
        }

        if (address.Equals(IPAddress.IPv6Any))
        {
            return TargetRefusalReason.Unspecified;
        }

        if (address.Equals(IPAddress.IPv6Loopback))
        {
            return TargetRefusalReason.Loopback;
        }

        if (address.IsIPv6LinkLocal)
        {
            return TargetRefusalReason.LinkLocal;
        }

        if (address.IsIPv6Multicast)
        {
            return TargetRefusalReason.Multicast;
        }

        return InAny(_privateV6, address) || _nat64LocalUse.Contains(address) ? TargetRefusalReason.Private : TargetRefusalReason.None;
    }

    /// <summary>
    /// Scope ids are dropped first (<see cref="IPAddress.Equals(object)"/> compares them, so <c>::1%1</c> is not
    /// <c>::1</c>); then IPv4-mapped, IPv4-translated, IPv4-compatible and NAT64 addresses become their IPv4 address.
    /// </summary>
    internal static IPAddress Normalize(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        if (address.ScopeId != 0)
        {
            address = new IPAddress(b);
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        bool firstTwelveZero = b[..12].IndexOfAnyExcept((byte)0) < 0;
        bool embedsV4 = (firstTwelveZero && b[12..].IndexOfAnyExcept((byte)0) >= 0 && !address.Equals(IPAddress.IPv6Loopback))
            || _nat64.Contains(address) || _ipv4Translated.Contains(address);
        return embedsV4 ? new IPAddress(b[12..]) : address;
    }

    private bool IsOwnEndpoint(IPAddress address, int port)
    {
        foreach (OwnEndpoint own in _ownEndpoints)
        {
            if (own.Port != port)
            {
                continue;
            }

            // Connecting to 0.0.0.0 or :: reaches the local machine, so it hits every listener with that port.
            if (IsUnspecified(address))
            {
                return true;
            }

            if (own.Address is null)
            {
                if (Classify(address) == TargetRefusalReason.Loopback || _localAddresses.Contains(address))
                {
                    return true;
                }
            }
            else if (own.IsLoopbackName ? Classify(address) == TargetRefusalReason.Loopback : own.Address.Equals(address))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsUnspecified(IPAddress address) =>
        address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    private static bool InAny(IPNetwork[] networks, IPAddress address)
    {
        foreach (IPNetwork network in networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryParseNetwork(string entry, out IPNetwork network)
    {
        if (IPAddress.TryParse(entry, out IPAddress? single))
        {
            single = Normalize(single);
            network = new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return IPNetwork.TryParse(entry, out network);
    }

    private static bool IsHostName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > 253)
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static ReadOnlySpan<char> LastLabel(ReadOnlySpan<char> name) => name[(name.LastIndexOf('.') + 1)..];

    private static bool IsNumericLabel(ReadOnlySpan<char> label) =>
        label.Length > 0 && (label.IndexOfAnyExceptInRange('0', '9') < 0
            || (label.Length > 1 && label[0] == '0' && (label[1] is 'x' or 'X')));

    // The one listen-address parser, so "*" and "localhost" mean here what they mean to the listeners.
    private static bool TryParseListen(string listen, out OwnEndpoint endpoint)
    {
        endpoint = default;
        if (!ListenAddress.TryParse(listen, allowAnyPort: true, out ListenAddress? parsed, out _))
        {
            return false;
        }

        if (parsed!.IsLocalhost)
        {
            endpoint = new OwnEndpoint(IPAddress.Loopback, parsed.Port, IsLoopbackName: true);
            return true;
        }

        IPAddress address = Normalize(parsed.Address!);
        endpoint = new OwnEndpoint(IsUnspecified(address) ? null : address, parsed.Port, IsLoopbackName: false);
        return true;
    }

    private static IPAddress[] ReadLocalAddresses()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
                .Select(unicast => unicast.Address)
                .ToArray();
        }
        catch (NetworkInformationException)
        {
            return [];
        }
    }

    /// <summary>A listener; a null address means all addresses (0.0.0.0 / ::).</summary>
    private readonly record struct OwnEndpoint(IPAddress? Address, int Port, bool IsLoopbackName);
}
