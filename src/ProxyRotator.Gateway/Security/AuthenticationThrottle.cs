using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ProxyRotator.Core.Configuration;

namespace ProxyRotator.Gateway.Security;

/// <summary>
/// Slows password guessing: a client address with <see cref="GatewayOptions.AuthFailuresPerMinute"/> failed logins
/// within a minute is refused (HTTP 429, SOCKS5 authentication failure) for <see cref="GatewayOptions.AuthCooldown"/>
/// without its credentials being checked. Other addresses are not affected. IPv6 clients count per /64 (one host
/// commonly holds a whole /64). Memory is bounded: at most <see cref="MaxTrackedClients"/> addresses are tracked;
/// when full, stale entries are dropped first and new addresses go untracked rather than evicting blocked ones.
/// </summary>
public sealed class AuthenticationThrottle
{
    public const int MaxTrackedClients = 65_536;

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly int _limit;
    private readonly TimeSpan _cooldown;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<IPAddress, ClientState> _clients = new();
    private long _lastSweep;

    public AuthenticationThrottle(GatewayOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _limit = options.AuthFailuresPerMinute;
        _cooldown = options.AuthCooldown;
        _timeProvider = timeProvider;
    }

    public bool IsEnabled => _limit > 0;

    /// <summary>Addresses currently tracked (for tests and diagnostics).</summary>
    public int TrackedClients => _clients.Count;

    /// <summary>Whether <paramref name="client"/> is in its cool-down; <paramref name="retryAfter"/> is what is left of it.</summary>
    public bool IsBlocked(IPAddress? client, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!IsEnabled || client is null || !_clients.TryGetValue(Key(client), out ClientState? state))
        {
            return false;
        }

        long now = _timeProvider.GetTimestamp();
        lock (state)
        {
            if (state.BlockedUntil == 0 || now >= state.BlockedUntil)
            {
                return false;
            }

            retryAfter = _timeProvider.GetElapsedTime(now, state.BlockedUntil);
            return true;
        }
    }

    /// <summary>Counts a failed login; returns true when this failure starts the client's cool-down.</summary>
    public bool RecordFailure(IPAddress? client)
    {
        if (!IsEnabled || client is null)
        {
            return false;
        }

        long now = _timeProvider.GetTimestamp();
        IPAddress key = Key(client);
        if (!_clients.TryGetValue(key, out ClientState? state))
        {
            if (_clients.Count >= MaxTrackedClients && !Sweep(now))
            {
                return false;
            }

            state = _clients.GetOrAdd(key, static _ => new ClientState());
        }

        lock (state)
        {
            if (state.Failures == 0 || _timeProvider.GetElapsedTime(state.WindowStart, now) >= Window)
            {
                state.WindowStart = now;
                state.Failures = 0;
            }

            state.LastSeen = now;
            if (++state.Failures < _limit)
            {
                return false;
            }

            state.Failures = 0;
            state.BlockedUntil = now + (long)(_cooldown.TotalSeconds * _timeProvider.TimestampFrequency);
            return true;
        }
    }

    /// <summary>Drops entries with neither a live window nor a cool-down; true when room was made.</summary>
    private bool Sweep(long now)
    {
        // At most one sweep per second: a flood of new addresses must not turn every failure into a full scan.
        long last = Interlocked.Read(ref _lastSweep);
        if (last != 0 && _timeProvider.GetElapsedTime(last, now) < TimeSpan.FromSeconds(1))
        {
            return _clients.Count < MaxTrackedClients;
        }

        Interlocked.Exchange(ref _lastSweep, now);
        foreach ((IPAddress address, ClientState state) in _clients)
        {
            bool stale;
            lock (state)
            {
                stale = now >= state.BlockedUntil && _timeProvider.GetElapsedTime(state.LastSeen, now) >= Window;
            }

            if (stale)
            {
                _clients.TryRemove(address, out _);
            }
        }

        return _clients.Count < MaxTrackedClients;
    }

    private static IPAddress Key(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }

    private sealed class ClientState
    {
        public long WindowStart;
        public int Failures;
        public long BlockedUntil;
        public long LastSeen;
    }
}
