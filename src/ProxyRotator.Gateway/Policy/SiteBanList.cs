using System.Collections.Concurrent;
using ProxyRotator.Core.Configuration;

namespace ProxyRotator.Gateway.Policy;

/// <summary>
/// Which exits which target sites have banned (issue 13 §5), in memory: per registrable domain, per exit
/// (<see cref="ExitKey"/>), a <see cref="SiteBan"/> whose cool-down doubles with each repeat
/// (<c>policy.bans.cooldown</c> · 2^(strikes-1), at most <c>maxCooldown</c>) and whose strikes are forgiven one per
/// quiet <c>forgiveAfter</c>. Reads (per pick, only for a site that has bans) are lock-free; writes (a ban, a lift, a
/// prune) take one lock, they are rare. At most <c>policy.bans.maxEntries</c> pairs: beyond it forgotten ones go
/// first, then the ones whose cool-down ends soonest. Time comes from the <see cref="TimeProvider"/>.
/// </summary>
public sealed class SiteBanList
{
    private readonly ConcurrentDictionary<string, SiteBans> _sites = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, SiteBans>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly Lock _writeLock = new();
    private readonly BanOptions _options;
    private readonly TimeProvider _timeProvider;
    private int _siteCount;
    private int _entryCount;
    private long _detected;
    private long _reported;
    private long _avoided;

    public SiteBanList(BanOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _timeProvider = timeProvider;
        _lookup = _sites.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>No site has any ban (not even a forgiven one not yet pruned): picks need not look.</summary>
    public bool IsEmpty => Volatile.Read(ref _siteCount) == 0;

    /// <summary>Bans detected in forwarded responses since start.</summary>
    public long DetectedTotal => Interlocked.Read(ref _detected);

    /// <summary>Bans reported by clients (API, username flag) since start.</summary>
    public long ReportedTotal => Interlocked.Read(ref _reported);

    /// <summary>Times a pick passed over a banned exit.</summary>
    public long AvoidedTotal => Interlocked.Read(ref _avoided);

    public TimeProvider TimeProvider => _timeProvider;

    /// <summary>The bans of one site (its registrable domain), or null when it has none.</summary>
    public SiteBans? For(ReadOnlySpan<char> site) => _lookup.TryGetValue(site, out SiteBans? bans) ? bans : null;

    /// <summary>
    /// Records a ban of <paramref name="exit"/> by <paramref name="site"/> (a registrable domain, see
    /// <see cref="Core.Policy.RegistrableDomain"/>). A client's report of an exit already in a cool-down changes nothing.
    /// </summary>
    public SiteBan Report(string site, ExitKey exit, BanSource source, string? reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(site);
        site = site.ToLowerInvariant();
        DateTimeOffset now = _timeProvider.GetUtcNow();
        Interlocked.Increment(ref source == BanSource.Detected ? ref _detected : ref _reported);
        lock (_writeLock)
        {
            int strikes = 1;
            if (_sites.TryGetValue(site, out SiteBans? bans) && bans.Entries.TryGetValue(exit, out SiteBan? previous))
            {
                if (source != BanSource.Detected && previous.IsActive(now))
                {
                    // A client repeating its report (a flag left in the username) does not lengthen the cool-down.
                    return previous;
                }

                strikes = previous.StrikesAt(now, _options.ForgiveAfter) + 1;
            }
            else
            {
                // Room first: a prune may drop sites left empty, so the site is looked up (or made) after it.
                MakeRoom(now);
                _entryCount++;
            }

            if (!_sites.TryGetValue(site, out bans))
            {
                bans = new SiteBans(this);
                _sites[site] = bans;
                _siteCount++;
            }

            var ban = new SiteBan(site, exit, strikes, now, now + CooldownFor(strikes), source, reason);
            bans.Entries[exit] = ban;
            return ban;
        }
    }

    /// <summary>The cool-down of the <paramref name="strikes"/>-th ban in a row: cooldown · 2^(strikes-1), capped.</summary>
    public TimeSpan CooldownFor(int strikes)
    {
        double factor = Math.Pow(2, Math.Clamp(strikes - 1, 0, 40));
        double ticks = Math.Min(_options.Cooldown.Ticks * factor, _options.MaxCooldown.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Ends the bans of <paramref name="site"/> (every exit, or only <paramref name="exit"/>); returns how many.</summary>
    public int Lift(string site, ExitKey? exit = null)
    {
        lock (_writeLock)
        {
            if (!_sites.TryGetValue(site, out SiteBans? bans))
            {
                return 0;
            }

            int removed = 0;
            foreach (ExitKey key in bans.Entries.Keys)
            {
                if ((exit is null || key == exit.Value) && bans.Entries.TryRemove(key, out _))
                {
                    removed++;
                }
            }

            _entryCount -= removed;
            if (bans.Entries.IsEmpty && _sites.TryRemove(site, out _))
            {
                _siteCount--;
            }

            return removed;
        }
    }

    /// <summary>Every remembered ban (active ones and ones still counting strikes), soonest end last; prunes forgotten ones first.</summary>
    public IReadOnlyList<SiteBan> List()
    {
        Prune(_timeProvider.GetUtcNow());
        var all = new List<SiteBan>();
        foreach (SiteBans bans in _sites.Values)
        {
            all.AddRange(bans.Entries.Values);
        }

        all.Sort((a, b) => b.Until.CompareTo(a.Until));
        return all;
    }

    /// <summary>(exit, site) pairs banned right now.</summary>
    public int ActiveCount()
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        int active = 0;
        foreach (SiteBans bans in _sites.Values)
        {
            foreach (SiteBan ban in bans.Entries.Values)
            {
                active += ban.IsActive(now) ? 1 : 0;
            }
        }

        return active;
    }

    /// <summary>Forgets bans whose cool-down is over and whose strikes are all forgiven; drops sites left empty.</summary>
    public int Prune(DateTimeOffset now)
    {
        lock (_writeLock)
        {
            return PruneLocked(now);
        }
    }

    internal void CountAvoided() => Interlocked.Increment(ref _avoided);

    private int PruneLocked(DateTimeOffset now)
    {
        int removed = 0;
        foreach ((string site, SiteBans bans) in _sites)
        {
            foreach ((ExitKey key, SiteBan ban) in bans.Entries)
            {
                if (ban.IsForgotten(now, _options.ForgiveAfter) && bans.Entries.TryRemove(key, out _))
                {
                    removed++;
                }
            }

            if (bans.Entries.IsEmpty && _sites.TryRemove(site, out _))
            {
                _siteCount--;
            }
        }

        _entryCount -= removed;
        return removed;
    }

    /// <summary>At the cap: forget what is forgotten anyway, then the ban whose cool-down ends soonest (rare: a linear scan).</summary>
    private void MakeRoom(DateTimeOffset now)
    {
        if (_entryCount < _options.MaxEntries || PruneLocked(now) > 0)
        {
            return;
        }

        SiteBan? soonest = null;
        foreach (SiteBans bans in _sites.Values)
        {
            foreach (SiteBan ban in bans.Entries.Values)
            {
                if (soonest is null || ban.Until < soonest.Until)
                {
                    soonest = ban;
                }
            }
        }

        if (soonest is not null && _sites.TryGetValue(soonest.Site, out SiteBans? owner) && owner.Entries.TryRemove(soonest.Exit, out _))
        {
            _entryCount--;
            if (owner.Entries.IsEmpty && _sites.TryRemove(soonest.Site, out _))
            {
                _siteCount--;
            }
        }
    }
}
