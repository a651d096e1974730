using System.Collections.Concurrent;
using System.Collections.Frozen;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Gateway.Policy;

/// <summary>
/// The account ↔ exit ledger behind exclusive exits (issue 13 §6): per site (registrable domain) and exit, the last
/// account it served and when. An exit whose last use for a site was exclusive is reserved to that account for
/// <c>policy.exclusive.window</c>: every other account's picks for that site pass it over; an exclusive request also
/// passes over exits another account used for the site within the window. Uses are recorded for every account only
/// while the ledger is armed — a pool has <c>"exclusiveExits": true</c>, or an exclusive request arrived within the
/// window — so without exclusivity it costs nothing; right after it is first armed, earlier uses are unknown.
/// Bounded by <c>policy.exclusive.maxEntries</c>: beyond it, expired claims go first, then the oldest.
/// </summary>
public sealed class ExclusiveExitLedger
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<ExitKey, ExitClaim>> _sites = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<ExitKey, ExitClaim>>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly FrozenSet<string> _exclusivePools;
    private readonly TimeSpan _window;
    private readonly int _maxEntries;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _trimLock = new();
    private long _armedUntilTicks;
    private int _entryCount;
    private long _avoided;

    public ExclusiveExitLedger(ProxyRotatorConfig config, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _exclusivePools = config.Pools.Where(p => p.ExclusiveExits).Select(p => p.Name).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _window = config.Policy.Exclusive.Window;
        _maxEntries = config.Policy.Exclusive.MaxEntries;
        _timeProvider = timeProvider;
        _lookup = _sites.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public TimeSpan Window => _window;

    /// <summary>Times a pick passed over an exit reserved for another account.</summary>
    public long AvoidedTotal => Interlocked.Read(ref _avoided);

    /// <summary>Claims held (live or not yet trimmed).</summary>
    public int Count => Volatile.Read(ref _entryCount);

    /// <summary>Whether uses are being recorded and consulted now.</summary>
    public bool IsArmed(DateTimeOffset now) => _exclusivePools.Count > 0 || now.UtcTicks < Volatile.Read(ref _armedUntilTicks);

    /// <summary>An exclusive request arrived: record every account's uses for the next window.</summary>
    public void Arm(DateTimeOffset now) => Volatile.Write(ref _armedUntilTicks, (now + _window).UtcTicks);

    /// <summary>Whether a request is exclusive on <paramref name="upstream"/>: its own choice (<paramref name="requested"/>), else the pool's.</summary>
    public bool IsExclusive(UpstreamProxy upstream, bool? requested) => requested ?? (_exclusivePools.Count > 0 && _exclusivePools.Contains(upstream.PoolName));

    /// <summary>Whether <paramref name="upstream"/>'s exit is off limits to <paramref name="account"/> for <paramref name="site"/>.</summary>
    public bool IsReservedAgainst(ReadOnlySpan<char> site, UpstreamProxy upstream, string account, bool exclusive, DateTimeOffset now)
    {
        if (!_lookup.TryGetValue(site, out ConcurrentDictionary<ExitKey, ExitClaim>? claims))
        {
            return false;
        }

        // A claim recorded before the exit IP was known is keyed by the upstream: look there too.
        bool reserved = (claims.TryGetValue(ExitKey.Of(upstream), out ExitClaim? claim) && Bars(claim, account, exclusive, now))
            || (upstream.ExitIp is not null && claims.TryGetValue(ExitKey.OfUpstreamId(upstream.Id), out claim) && Bars(claim, account, exclusive, now));
        if (reserved)
        {
            Interlocked.Increment(ref _avoided);
        }

        return reserved;
    }

    private bool Bars(ExitClaim claim, string account, bool exclusive, DateTimeOffset now) =>
        now - claim.LastUsed < _window
        && (claim.Exclusive || exclusive)
        && !string.Equals(claim.Account, account, StringComparison.Ordinal);

    /// <summary>Records that <paramref name="upstream"/> was picked to serve <paramref name="account"/> for <paramref name="site"/>.</summary>
    public void Record(string site, UpstreamProxy upstream, string account, bool exclusive, DateTimeOffset now)
    {
        ConcurrentDictionary<ExitKey, ExitClaim> claims = _sites.GetOrAdd(site, static _ => new ConcurrentDictionary<ExitKey, ExitClaim>());
        ExitKey exit = ExitKey.Of(upstream);
        var claim = new ExitClaim(site, exit, account, exclusive, now);
        bool added = true;
        claims.AddOrUpdate(exit, claim, (_, previous) =>
        {
            added = false;

            // The holder of a live exclusive claim keeps it exclusive while it reuses the exit.
            return previous.Exclusive && !exclusive && previous.Account == account && now - previous.LastUsed < _window
                ? claim with { Exclusive = true }
                : claim;
        });
        if (added && Interlocked.Increment(ref _entryCount) > _maxEntries)
        {
            Trim(now);
        }
    }

    /// <summary>Live claims, newest first (for the admin API).</summary>
    public IReadOnlyList<ExitClaim> List()
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        return [.. _sites.Values.SelectMany(c => c.Values).Where(c => now - c.LastUsed < _window).OrderByDescending(c => c.LastUsed)];
    }

    /// <summary>Drops expired claims, then (still over the cap) the oldest tenth.</summary>
    public void Trim(DateTimeOffset now)
    {
        lock (_trimLock)
        {
            var all = new List<ExitClaim>();
            foreach ((string site, ConcurrentDictionary<ExitKey, ExitClaim> claims) in _sites)
            {
                foreach ((ExitKey key, ExitClaim claim) in claims)
                {
                    if (now - claim.LastUsed >= _window)
                    {
                        if (claims.TryRemove(key, out _))
                        {
                            Interlocked.Decrement(ref _entryCount);
                        }
                    }
                    else
                    {
                        all.Add(claim);
                    }
                }

                if (claims.IsEmpty)
                {
                    _sites.TryRemove(site, out _);
                }
            }

            if (all.Count < _maxEntries)
            {
                return;
            }

            all.Sort((a, b) => a.LastUsed.CompareTo(b.LastUsed));
            foreach (ExitClaim oldest in all.Take(Math.Max(1, all.Count / 10)))
            {
                if (_sites.TryGetValue(oldest.Site, out ConcurrentDictionary<ExitKey, ExitClaim>? claims) && claims.TryRemove(oldest.Exit, out _))
                {
                    Interlocked.Decrement(ref _entryCount);
                }
            }
        }
    }
}
