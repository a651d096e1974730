using System.Globalization;
using System.Text;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;
using static ProxyRotator.Core.Backconnect.DialectChecks;

namespace ProxyRotator.Core.Backconnect;

/// <summary>
/// Oxylabs residential (<c>pr.oxylabs.io:7777</c>): <c>customer-USER</c> then <c>-cc-DE</c> (upper case),
/// <c>-st-us_california</c> (US states, with country US), <c>-city-los_angeles</c>, <c>-sessid-ID</c>,
/// <c>-sesstime-30</c> (minutes, up to 1440; mobile up to 30; left out at the vendor default of 10).
/// No ASN parameter. Its one-exit session variant is not written by this dialect (its syntax is not pinned down in
/// our sources), so <c>sessmode-strict</c> is refused rather than silently downgraded to flex.
/// </summary>
public sealed class OxylabsDialect : IBackconnectDialect
{
    public const string Vendor = "Oxylabs";
    public const int MaxSessionMinutes = 1440;
    public const int MaxMobileSessionMinutes = 30;
    public const int DefaultSessionMinutes = 10;

    public static readonly VendorSessionIdFormat SessionIdFormat = new(12, VendorSessionIdCharset.LowerAlphanumeric);

    public string Name => BackconnectDialectNames.Oxylabs;

    public BackconnectTranslation Translate(in BackconnectRequest request)
    {
        TargetingParameters targeting = request.Targeting;
        if (RefuseUnsupported(targeting, Vendor, city: true, state: true, asn: false) is { } unsupported)
        {
            return unsupported;
        }

        string baseUsername = request.BaseCredentials.Username;
        var username = new StringBuilder(128);
        if (!baseUsername.StartsWith("customer-", StringComparison.Ordinal))
        {
            username.Append("customer-");
        }

        username.Append(baseUsername);
        if (targeting.Country is { } country)
        {
            username.Append("-cc-").Append(country);
        }

        if (targeting.State is not null)
        {
            if (RefuseUnlessUsState(targeting, Vendor, out _, out string name) is { } refusal)
            {
                return refusal;
            }

            username.Append("-st-us_").Append(name);
        }

        if (targeting.City is { } city)
        {
            username.Append("-city-").Append(city);
        }

        string? vendorSession = null;
        if (targeting.SessionId is { } sessionId)
        {
            if (targeting.SessionMode == SessionMode.Strict)
            {
                return BackconnectTranslation.Refuse(SessionModeKey, "the Oxylabs dialect cannot hold one exit strictly; use sessmode-flex");
            }

            int minutes = DefaultSessionMinutes;
            if (targeting.SessionTtl is { } ttl)
            {
                int max = request.UpstreamType == UpstreamType.Mobile ? MaxMobileSessionMinutes : MaxSessionMinutes;
                if (RefuseUnlessMinutes(ttl, max, Vendor, out minutes) is { } refusal)
                {
                    return refusal;
                }
            }

            vendorSession = request.SessionIds.Derive(targeting.Account, sessionId, request.SessionEpoch, SessionIdFormat);
            username.Append("-sessid-").Append(vendorSession);
            if (minutes != DefaultSessionMinutes)
            {
                username.Append("-sesstime-").Append(minutes.ToString(CultureInfo.InvariantCulture));
            }
        }

        return BackconnectTranslation.Success(username.ToString(), request.BaseCredentials.Password, vendorSession);
    }
}
