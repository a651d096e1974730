using System.Text;
using ProxyRotator.Core.Targeting;
using static ProxyRotator.Core.Backconnect.DialectChecks;

namespace ProxyRotator.Core.Backconnect;

/// <summary>
/// IPRoyal residential (<c>geo.iproyal.com:12321</c>): the parameters go in the <b>password</b>,
/// <c>PASSWORD_country-br_city-chicago_state-iowa_session-ID_lifetime-10m</c>. States are US only (with country US),
/// written by name; <c>_</c> separates parameters here, so multi-word cities and states lose it
/// (<c>new_york</c> → <c>newyork</c>); the session id is exactly 8 alphanumerics; the lifetime is 1 s .. 7 d in one unit
/// (<c>30s</c>, <c>10m</c>, <c>2h</c>, <c>1d</c>). No ASN parameter and no strict switch: those are refused.
/// </summary>
public sealed class IpRoyalDialect : IBackconnectDialect
{
    public const string Vendor = "IPRoyal";

    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(7);

    public static readonly VendorSessionIdFormat SessionIdFormat = new(8, VendorSessionIdCharset.LowerAlphanumeric);

    public string Name => BackconnectDialectNames.IpRoyal;

    public BackconnectTranslation Translate(in BackconnectRequest request)
    {
        TargetingParameters targeting = request.Targeting;
        if (RefuseUnsupported(targeting, Vendor, city: true, state: true, asn: false) is { } unsupported)
        {
            return unsupported;
        }

        if (request.BaseCredentials.Password.Length == 0)
        {
            return BackconnectTranslation.Refuse("password", "an IPRoyal upstream needs its password (the parameters are appended to it)");
        }

        var password = new StringBuilder(request.BaseCredentials.Password, 128);
        if (targeting.Country is { } country)
        {
            password.Append("_country-").Append(Lower(country));
        }

        if (targeting.City is { } city)
        {
            password.Append("_city-").Append(Joined(city));
        }

        if (targeting.State is not null)
        {
            if (RefuseUnlessUsState(targeting, Vendor, out _, out string name) is { } refusal)
            {
                return refusal;
            }

            password.Append("_state-").Append(Joined(name));
        }

        string? vendorSession = null;
        if (targeting.SessionId is { } sessionId)
        {
            if (targeting.SessionMode == SessionMode.Strict)
            {
                return BackconnectTranslation.Refuse(SessionModeKey, "the IPRoyal gateway has no strict switch; use sessmode-flex");
            }

            string? lifetime = null;
            if (targeting.SessionTtl is { } ttl && !TryFormatLifetime(ttl, out lifetime))
            {
                return BackconnectTranslation.Refuse(SessionTimeKey, "the IPRoyal gateway takes a lifetime from 1 second to 7 days in whole seconds");
            }

            vendorSession = request.SessionIds.Derive(targeting.Account, sessionId, request.SessionEpoch, SessionIdFormat);
            password.Append("_session-").Append(vendorSession);
            if (lifetime is not null)
            {
                password.Append("_lifetime-").Append(lifetime);
            }
        }

        return BackconnectTranslation.Success(request.BaseCredentials.Username, password.ToString(), vendorSession);
    }

    /// <summary>The lifetime in the largest unit that divides it exactly (<c>90m</c>, <c>2h</c>, <c>1d</c>).</summary>
    public static bool TryFormatLifetime(TimeSpan ttl, out string? lifetime)
    {
        lifetime = null;
        if (ttl < TimeSpan.FromSeconds(1) || ttl > MaxLifetime || ttl.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            return false;
        }

        long seconds = ttl.Ticks / TimeSpan.TicksPerSecond;
        lifetime = seconds % 86400 == 0 ? $"{seconds / 86400}d"
            : seconds % 3600 == 0 ? $"{seconds / 3600}h"
            : seconds % 60 == 0 ? $"{seconds / 60}m"
            : $"{seconds}s";
        return true;
    }
}
