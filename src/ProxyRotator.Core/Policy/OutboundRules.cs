using System.Net;
using System.Net.Sockets;

namespace ProxyRotator.Core.Policy;

/// <summary>
/// One compiled set of outbound rules (issue 13 §4): where an account, or everyone, may send traffic. Built once from
/// rule strings (the shape a config file or an account record carries, see <see cref="TryParse"/>) and evaluated per
/// request without allocating: host names by a suffix walk over a hash set, globs in a short list, addresses against
/// CIDR networks, ports against ranges.
/// <para>Rule strings (case-insensitive):</para>
/// <list type="bullet">
/// <item><c>example.com</c> — the name and every name under it (<c>www.example.com</c>);</item>
/// <item><c>*.example.com</c> — only names under it;</item>
/// <item>a glob with <c>*</c> elsewhere (<c>ads*.example.*</c>) — the whole name must match, <c>*</c> spans dots;</item>
/// <item><c>*</c> — every target;</item>
/// <item><c>203.0.113.7</c>, <c>10.0.0.0/8</c>, <c>2001:db8::/32</c> — an address or network: IP-literal targets, and
/// the addresses of names the gateway resolves itself;</item>
/// <item><c>port:443</c>, <c>port:8000-8999</c> — a port or a range.</item>
/// </list>
/// Semantics: a target matching any deny rule is refused; when there are allow rules for names/addresses, the target
/// must match one of them; when there are allow rules for ports, the port must match one. Name and port dimensions are
/// independent, so <c>allow: ["port:80", "port:443"]</c> alone means "any host, only these ports". Deny wins.
/// </summary>
public sealed class OutboundRules
{
    private readonly RuleSide _allow;
    private readonly RuleSide _deny;

    private OutboundRules(RuleSide allow, RuleSide deny, IReadOnlyList<string> allowText, IReadOnlyList<string> denyText)
    {
        _allow = allow;
        _deny = deny;
        Allow = allowText;
        Deny = denyText;
    }

    /// <summary>No rules: everything passes.</summary>
    public static OutboundRules None { get; } = new(new RuleSide(), new RuleSide(), [], []);

    /// <summary>The allow rules as written (canonical lower case).</summary>
    public IReadOnlyList<string> Allow { get; }

    /// <summary>The deny rules as written (canonical lower case).</summary>
    public IReadOnlyList<string> Deny { get; }

    public bool IsEmpty => _allow.IsEmpty && _deny.IsEmpty;

    /// <summary>Whether any rule is about addresses (so resolved addresses are worth checking).</summary>
    public bool HasAddressRules => _allow.Networks.Length > 0 || _deny.Networks.Length > 0;

    /// <summary>Compiles rule strings; on failure <paramref name="error"/> names the bad rule and why.</summary>
    public static bool TryParse(IEnumerable<string>? allow, IEnumerable<string>? deny, out OutboundRules rules, out string? error)
    {
        var allowSide = new RuleSide();
        var denySide = new RuleSide();
        var allowText = new List<string>();
        var denyText = new List<string>();
        rules = None;
        foreach (string rule in allow ?? [])
        {
            if (!allowSide.TryAdd(rule, out string? canonical, out error))
            {
                error = $"allow rule '{rule}': {error}";
                return false;
            }

            allowText.Add(canonical!);
        }

        foreach (string rule in deny ?? [])
        {
            if (!denySide.TryAdd(rule, out string? canonical, out error))
            {
                error = $"deny rule '{rule}': {error}";
                return false;
            }

            denyText.Add(canonical!);
        }

        error = null;
        if (allowText.Count > 0 || denyText.Count > 0)
        {
            allowSide.Seal();
            denySide.Seal();
            rules = new OutboundRules(allowSide, denySide, allowText, denyText);
        }

        return true;
    }

    /// <summary>Compiles rule strings or throws <see cref="FormatException"/> naming the bad rule.</summary>
    public static OutboundRules Parse(IEnumerable<string>? allow, IEnumerable<string>? deny) =>
        TryParse(allow, deny, out OutboundRules rules, out string? error) ? rules : throw new FormatException(error);

    /// <summary>
    /// Judges a target as the client named it (a host name or an IP literal, IPv6 without brackets) and its port.
    /// Returns null when allowed, else the rule that refused it (<c>deny:…</c>, or <c>allow</c> when no allow rule matched).
    /// </summary>
    public string? Evaluate(ReadOnlySpan<char> host, int port)
    {
        if (IsEmpty)
        {
            return null;
        }

        host = host.TrimEnd('.');
        if (_deny.MatchPort(port) is { } deniedPort)
        {
            return "deny:" + deniedPort;
        }

        IPAddress? address = null;
        bool isAddress = (_allow.Networks.Length > 0 || _deny.Networks.Length > 0) && IPAddress.TryParse(host, out address);
        string? denied = isAddress ? _deny.MatchAddress(Normalize(address!)) : _deny.MatchName(host);
        if (denied is not null)
        {
            return "deny:" + denied;
        }

        if (_allow.HasPortRules && _allow.MatchPort(port) is null)
        {
            return "allow:port";
        }

        if (_allow.HasTargetRules && (isAddress ? _allow.MatchAddress(Normalize(address!)) : _allow.MatchName(host)) is null)
        {
            return "allow";
        }

        return null;
    }

    /// <summary>
    /// Judges an address the gateway resolved a name to (the name itself already passed <see cref="Evaluate"/>):
    /// only address rules apply — a deny network refuses it; an allow list of networks (without name rules) must contain it.
    /// </summary>
    public string? EvaluateResolved(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!HasAddressRules)
        {
            return null;
        }

        address = Normalize(address);
        if (_deny.MatchAddress(address) is { } denied)
        {
            return "deny:" + denied;
        }

        // A name allowed by a name rule is allowed whatever it resolves to; only a pure address allow-list binds.
        return _allow.Networks.Length > 0 && !_allow.HasNameRules && _allow.MatchAddress(address) is null ? "allow" : null;
    }

    public override string ToString() =>
        $"allow [{string.Join(", ", Allow)}] deny [{string.Join(", ", Deny)}]";

    private static IPAddress Normalize(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>One side (allow or deny) of a rule set, compiled.</summary>
    private sealed class RuleSide
    {
        private readonly HashSet<string> _suffixes = new(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> _subdomainsOf = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<string> _globs = [];
        private readonly List<IPNetwork> _networks = [];
        private readonly List<(int From, int To, string Text)> _ports = [];
        private HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _suffixLookup;
        private HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _subdomainLookup;
        private string[] _globArray = [];
        private (int From, int To, string Text)[] _portArray = [];
        private bool _everything;

        public IPNetwork[] Networks { get; private set; } = [];

        public bool IsEmpty => !_everything && _suffixes.Count == 0 && _subdomainsOf.Count == 0 && _globs.Count == 0 && _networks.Count == 0 && _ports.Count == 0;

        public bool HasNameRules => _everything || _suffixes.Count > 0 || _subdomainsOf.Count > 0 || _globArray.Length > 0;

        public bool HasTargetRules => HasNameRules || Networks.Length > 0;

        public bool HasPortRules => _portArray.Length > 0;

        public bool TryAdd(string rule, out string? canonical, out string? error)
        {
            canonical = null;
            error = null;
            string text = (rule ?? string.Empty).Trim().TrimEnd('.').ToLowerInvariant();
            if (text.Length == 0)
            {
                error = "is empty";
                return false;
            }

            if (text.StartsWith("port:", StringComparison.Ordinal))
            {
                if (!TryParsePorts(text.AsSpan(5), out int from, out int to))
                {
                    error = "expected port:N or port:N-M with ports from 1 to 65535";
                    return false;
                }

                _ports.Add((from, to, text));
                canonical = text;
                return true;
            }

            if (text == "*")
            {
                _everything = true;
                canonical = text;
                return true;
            }

            if (text.Contains('/', StringComparison.Ordinal) || IPAddress.TryParse(text, out _))
            {
                if (!TryParseNetwork(text, out IPNetwork network))
                {
                    error = "expected an address or a network such as 10.0.0.0/8";
                    return false;
                }

                _networks.Add(network);
                canonical = network.ToString();
                return true;
            }

            foreach (char c in text)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '*'))
                {
                    error = "expected a host name, *.name, a glob with *, an address, a network or port:N";
                    return false;
                }
            }

            if (text.StartsWith("*.", StringComparison.Ordinal) && !text.AsSpan(2).Contains('*'))
            {
                _subdomainsOf.Add(text[2..]);
            }
            else if (text.Contains('*', StringComparison.Ordinal))
            {
                _globs.Add(text);
            }
            else
            {
                _suffixes.Add(text);
            }

            canonical = text;
            return true;
        }

        public void Seal()
        {
            _suffixLookup = _suffixes.GetAlternateLookup<ReadOnlySpan<char>>();
            _subdomainLookup = _subdomainsOf.GetAlternateLookup<ReadOnlySpan<char>>();
            _globArray = [.. _globs];
            _portArray = [.. _ports];
            Networks = [.. _networks];
        }

        public string? MatchPort(int port)
        {
            foreach ((int from, int to, string text) in _portArray)
            {
                if (port >= from && port <= to)
                {
                    return text;
                }
            }

            return null;
        }

        public string? MatchAddress(IPAddress address)
        {
            if (_everything)
            {
                return "*";
            }

            foreach (IPNetwork network in Networks)
            {
                if (network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address))
                {
                    return network.ToString();
                }
            }

            return null;
        }

        public string? MatchName(ReadOnlySpan<char> host)
        {
            if (_everything)
            {
                return "*";
            }

            if (_suffixes.Count > 0 || _subdomainsOf.Count > 0)
            {
                // Walk the name's suffixes at label boundaries: www.a.example.com, a.example.com, example.com, com.
                ReadOnlySpan<char> suffix = host;
                bool whole = true;
                while (!suffix.IsEmpty)
                {
                    if (_suffixes.Count > 0 && _suffixLookup.TryGetValue(suffix, out string? found))
                    {
                        return found;
                    }

                    if (!whole && _subdomainsOf.Count > 0 && _subdomainLookup.TryGetValue(suffix, out found))
                    {
                        return "*." + found;
                    }

                    int dot = suffix.IndexOf('.');
                    if (dot < 0)
                    {
                        break;
                    }

                    suffix = suffix[(dot + 1)..];
                    whole = false;
                }
            }

            foreach (string glob in _globArray)
            {
                if (GlobMatch(glob, host))
                {
                    return glob;
                }
            }

            return null;
        }

        /// <summary>Iterative <c>*</c> glob, case-insensitive, linear with one back-tracking point.</summary>
        internal static bool GlobMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
        {
            int p = 0, t = 0, star = -1, mark = 0;
            while (t < text.Length)
            {
                if (p < pattern.Length && pattern[p] != '*' && char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t]))
                {
                    p++;
                    t++;
                }
                else if (p < pattern.Length && pattern[p] == '*')
                {
                    star = p++;
                    mark = t;
                }
                else if (star >= 0)
                {
                    p = star + 1;
                    t = ++mark;
                }
                else
                {
                    return false;
                }
            }

            while (p < pattern.Length && pattern[p] == '*')
            {
                p++;
            }

            return p == pattern.Length;
        }

        private static bool TryParsePorts(ReadOnlySpan<char> text, out int from, out int to)
        {
            to = 0;
            int dash = text.IndexOf('-');
            if (dash < 0)
            {
                bool single = int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out from);
                to = from;
                return single && from is >= 1 and <= 65535;
            }

            return int.TryParse(text[..dash], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out from)
                & int.TryParse(text[(dash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out to)
                && from is >= 1 and <= 65535 && to >= from && to <= 65535;
        }

        private static bool TryParseNetwork(string text, out IPNetwork network)
        {
            if (IPAddress.TryParse(text, out IPAddress? single))
            {
                single = Normalize(single);
                network = new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
                return true;
            }

            return IPNetwork.TryParse(text, out network);
        }
    }
}
