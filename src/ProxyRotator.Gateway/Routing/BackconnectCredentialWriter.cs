using System.Security.Cryptography;
using System.Text;
using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Gateway.Routing;

/// <summary>
/// Writes the vendor credentials of one attempt through a backconnect upstream: the client's canonical targeting,
/// the upstream's own account credentials and the sticky session's vendor session (derived from account, session id
/// and the route's <see cref="UpstreamRoute.VendorEpoch"/>, so it never reveals the account) go through the upstream's
/// dialect. A sticky session's TTL goes to the vendor as the session's lifetime, in the vendor's unit.
/// </summary>
public sealed class BackconnectCredentialWriter
{
    private readonly IVendorSessionIds _sessionIds;
    private readonly SessionOptions _sessions;

    public BackconnectCredentialWriter(ProxyRotatorConfig config)
        : this(new KeyedVendorSessionIds(KeyOf(config)), config.Sessions)
    {
    }

    public BackconnectCredentialWriter(IVendorSessionIds sessionIds, SessionOptions sessions)
    {
        ArgumentNullException.ThrowIfNull(sessionIds);
        ArgumentNullException.ThrowIfNull(sessions);
        _sessionIds = sessionIds;
        _sessions = sessions;
    }

    /// <summary>The vendor credentials for <paramref name="route"/>'s next attempt through <paramref name="upstream"/>, or the parameter it cannot express.</summary>
    public BackconnectTranslation Write(UpstreamProxy upstream, UpstreamRoute route)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(route);
        BackconnectUpstream backconnect = upstream.Backconnect ?? throw new ArgumentException("not a backconnect upstream", nameof(upstream));
        TargetingParameters targeting = route.Targeting;
        if (targeting.IsSticky)
        {
            TimeSpan ttl = route.Session is { } session ? session.ExpiresAt - session.CreatedAt : SessionTtl(targeting);
            if (targeting.SessionTtl != ttl)
            {
                targeting = targeting with { SessionTtl = ttl };
            }
        }

        return backconnect.Dialect.Translate(new BackconnectRequest
        {
            Targeting = targeting,
            BaseCredentials = new BackconnectCredentials(upstream.Endpoint.Username ?? string.Empty, upstream.Endpoint.Password ?? string.Empty),
            SessionIds = _sessionIds,
            UpstreamType = upstream.Type,
            SessionEpoch = route.VendorEpoch,
        });
    }

    /// <summary><c>sessions.vendorKey</c>, else a key derived from the admin API key (stable and secret as long as it is).</summary>
    private static byte[] KeyOf(ProxyRotatorConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        string secret = config.Sessions.VendorKey ?? "proxyrotator vendor session ids\0" + config.Admin.ApiKey;
        return config.Sessions.VendorKey is not null && Encoding.UTF8.GetByteCount(secret) >= KeyedVendorSessionIds.MinKeyBytes
            ? Encoding.UTF8.GetBytes(secret)
            : SHA256.HashData(Encoding.UTF8.GetBytes(secret));
    }

    private TimeSpan SessionTtl(TargetingParameters targeting)
    {
        TimeSpan ttl = targeting.SessionTtl ?? _sessions.DefaultTtl;
        return ttl > _sessions.MaxTtl ? _sessions.MaxTtl : ttl;
    }
}
