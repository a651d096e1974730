using System.Net;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Pool;
using ProxyRotator.Simulation.Upstreams;

namespace ProxyRotator.Simulation.Backconnect;

/// <summary>
/// A vendor's backconnect gateway on loopback: an HTTP proxy (absolute-form and CONNECT, from
/// <see cref="SimulatedUpstreamProxy"/>) that reads targeting from the credentials with its vendor's grammar,
/// answers malformed ones the vendor's way, and exits from a country-specific address, a new one for every request
/// unless a vendor session holds it. Sessions live until their TTL (or idle timeout);
/// <see cref="DropSessionExit"/> takes a session's exit away early: a strict session then fails with the vendor's
/// answer, any other moves to a new exit.
/// </summary>
public sealed class SimulatedBackconnectGateway : IAsyncDisposable
{
    private readonly SimulatedBackconnectGatewayOptions _options;
    private readonly SimulatedUpstreamProxy _proxy;
    private readonly Dictionary<string, VendorSession> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _rotation;
    private SimulatedVendorRequest? _lastRequest;

    private SimulatedBackconnectGateway(SimulatedBackconnectGatewayOptions options, ILogger<SimulatedUpstreamProxy>? logger)
    {
        if (options.Countries.Count is 0 or > 254 || options.ExitsPerCountry is < 1 or > 254)
        {
            throw new ArgumentException("1..254 countries and 1..254 exits per country.", nameof(options));
        }

        _options = options;
        _proxy = new SimulatedUpstreamProxy(
            new SimulatedUpstreamOptions
            {
                ListenAddress = options.ListenAddress,
                Scheme = UpstreamScheme.Http,
                AcceptBothSchemes = false,
                Authorizer = Authorize,
                BindsExitToConnection = options.BindsExitToConnection,
            },
            logger);
    }

    public static SimulatedBackconnectGateway Start(SimulatedBackconnectGatewayOptions options, ILogger<SimulatedUpstreamProxy>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var gateway = new SimulatedBackconnectGateway(options, logger);
        gateway._proxy.Start();
        return gateway;
    }

    public ISimulatedVendorGrammar Grammar => _options.Grammar;

    public IPEndPoint ListenEndPoint => _proxy.ListenEndPoint;

    /// <summary>The upstream URL a configuration would hold: this gateway with the vendor account's base credentials.</summary>
    public UpstreamEndpoint Endpoint =>
        new(UpstreamScheme.Http, ListenEndPoint.Address.ToString(), ListenEndPoint.Port, Grammar.BaseCredentials.Username, Grammar.BaseCredentials.Password);

    /// <summary>Makes the whole gateway misbehave (refuse connections, hang, ...), like a vendor outage.</summary>
    public SimulatedFault Fault
    {
        get => _proxy.Fault;
        set => _proxy.Fault = value;
    }

    /// <summary>Forwarded requests plus established tunnels.</summary>
    public long RequestsServed => _proxy.RequestsServed;

    /// <summary>What the grammar read from the last accepted request.</summary>
    public SimulatedVendorRequest? LastRequest => Volatile.Read(ref _lastRequest);

    public int SessionCount
    {
        get
        {
            lock (_gate)
            {
                return _sessions.Count;
            }
        }
    }

    /// <summary>The exit address of <paramref name="country"/>'s host number <paramref name="host"/> (1-based).</summary>
    public IPAddress ExitAddress(string country, int host)
    {
        int index = IndexOf(country);
        if (index < 0 || host < 1 || host > _options.ExitsPerCountry)
        {
            throw new ArgumentOutOfRangeException(nameof(country), "Not one of this gateway's exits.");
        }

        return new IPAddress([127, _options.ExitNetwork, (byte)(index + 1), (byte)host]);
    }

    /// <summary>The country of one of this gateway's exit addresses (what GeoIP would say); null for any other address.</summary>
    public string? CountryOfExit(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        byte[] bytes = address.MapToIPv4().GetAddressBytes();
        return bytes[0] == 127 && bytes[1] == _options.ExitNetwork && bytes[2] >= 1 && bytes[2] <= _options.Countries.Count
            && bytes[3] >= 1 && bytes[3] <= _options.ExitsPerCountry
            ? _options.Countries[bytes[2] - 1]
            : null;
    }

    /// <summary>Its exit networks (one /24 per country) with their countries, e.g. for a GeoIP database that agrees with <see cref="CountryOfExit"/>.</summary>
    public IEnumerable<(IPAddress Network, int PrefixLength, string Country)> ExitNetworks() =>
        _options.Countries.Select((country, index) => (new IPAddress([127, _options.ExitNetwork, (byte)(index + 1), 0]), 24, country));

    /// <summary>The vendor's peer behind a session goes away: false when no such session is alive.</summary>
    public bool DropSessionExit(string vendorSessionId)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(vendorSessionId, out VendorSession? session))
            {
                return false;
            }

            session.Lost = true;
            return true;
        }
    }

    /// <summary>Every session's peer goes away (when the test does not know the vendor session id).</summary>
    public int DropAllSessionExits()
    {
        lock (_gate)
        {
            foreach (VendorSession session in _sessions.Values)
            {
                session.Lost = true;
            }

            return _sessions.Count;
        }
    }

    /// <summary>
    /// Every vendor session ends early, the way a residential peer going offline ends it: the next request on each
    /// answers the vendor's peer-lost error (strict or not) and the session is gone, so a new session id starts afresh.
    /// </summary>
    public int BreakAllSessions()
    {
        lock (_gate)
        {
            foreach (VendorSession session in _sessions.Values)
            {
                session.Broken = true;
            }

            return _sessions.Count;
        }
    }

    public ValueTask DisposeAsync() => _proxy.DisposeAsync();

    private SimulatedAuthorization Authorize(string? username, string? password)
    {
        if (!Grammar.TryParse(username, password, out SimulatedVendorRequest? request, out SimulatedVendorRejection? rejection))
        {
            return Deny(rejection!);
        }

        Volatile.Write(ref _lastRequest, request);
        string? country = request!.Country;
        if (country is not null && IndexOf(country) < 0)
        {
            return Deny(Grammar.NoPeers(country));
        }

        if (request.SessionId is not { } sessionId)
        {
            return SimulatedAuthorization.Allow(NextExit(country, avoid: null));
        }

        DateTimeOffset now = _options.TimeProvider.GetUtcNow();
        lock (_gate)
        {
            if (_sessions.TryGetValue(sessionId, out VendorSession? session)
                && (now >= session.ExpiresAt || (request.IdleTimeout is { } idle && now - session.LastUsed >= idle)))
            {
                _sessions.Remove(sessionId);
                session = null;
            }

            if (session is null)
            {
                session = new VendorSession(NextExit(country, avoid: null), now + request.SessionTtl) { LastUsed = now };
                _sessions.Add(sessionId, session);
            }
            else if (session.Broken)
            {
                _sessions.Remove(sessionId);
                return Deny(Grammar.PeerLost);
            }
            else if (session.Lost)
            {
                if (request.Strict)
                {
                    return Deny(Grammar.PeerLost);
                }

                session.Exit = NextExit(CountryOfExit(session.Exit), avoid: session.Exit);
                session.Lost = false;
            }

            session.LastUsed = now;
            return SimulatedAuthorization.Allow(session.Exit);
        }
    }

    private static SimulatedAuthorization Deny(SimulatedVendorRejection rejection) =>
        SimulatedAuthorization.Deny(rejection.Status, rejection.Reason, rejection.HeaderLines);

    private IPAddress NextExit(string? country, IPAddress? avoid)
    {
        while (true)
        {
            int turn = Interlocked.Increment(ref _rotation) & int.MaxValue;
            string chosen = country ?? _options.Countries[turn % _options.Countries.Count];
            IPAddress exit = ExitAddress(chosen, (turn % _options.ExitsPerCountry) + 1);
            if (avoid is null || !exit.Equals(avoid) || _options.ExitsPerCountry == 1)
            {
                return exit;
            }
        }
    }

    private int IndexOf(string country)
    {
        for (int i = 0; i < _options.Countries.Count; i++)
        {
            if (string.Equals(_options.Countries[i], country, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>One vendor session: its exit, when it ends, and whether its peer went away.</summary>
    private sealed class VendorSession(IPAddress exit, DateTimeOffset expiresAt)
    {
        public IPAddress Exit { get; set; } = exit;
        public DateTimeOffset ExpiresAt { get; } = expiresAt;
        public DateTimeOffset LastUsed { get; set; }
        public bool Lost { get; set; }
        public bool Broken { get; set; }
    }
}
