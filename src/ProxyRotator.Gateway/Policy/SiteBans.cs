using System.Collections.Concurrent;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Gateway.Policy;

/// <summary>The bans one site holds, by exit; read lock-free on the pick path (see <see cref="SiteBanList"/>).</summary>
public sealed class SiteBans
{
    private readonly SiteBanList _owner;

    internal SiteBans(SiteBanList owner) => _owner = owner;

    internal ConcurrentDictionary<ExitKey, SiteBan> Entries { get; } = new();

    /// <summary>Whether <paramref name="upstream"/>'s exit is in a cool-down for this site at <paramref name="now"/>.</summary>
    public bool IsBanned(UpstreamProxy upstream, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        bool banned = (Entries.TryGetValue(ExitKey.Of(upstream), out SiteBan? ban) && ban.IsActive(now))
            || (upstream.ExitIp is not null && Entries.TryGetValue(ExitKey.OfUpstreamId(upstream.Id), out ban) && ban.IsActive(now));
        if (banned)
        {
            _owner.CountAvoided();
        }

        return banned;
    }
}
