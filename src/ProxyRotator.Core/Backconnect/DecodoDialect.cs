using System.Globalization;
using System.Text;
using ProxyRotator.Core.Targeting;
using static ProxyRotator.Core.Backconnect.DialectChecks;

namespace ProxyRotator.Core.Backconnect;

/// <summary>
/// Decodo, ex-Smartproxy (<c>gate.decodo.com:7000</c>): <c>user-USER</c> then <c>-country-us</c>, and for a sticky
/// session <c>-sessionduration-30</c> (minutes 1..1440, left out at the vendor default of 10) before
/// <c>-session-ID</c>, in the order the vendor's examples use. City, state and ASN are not in our sources for Decodo,
/// and its exit may change early when a device goes offline (no strict switch): those are refused.
/// </summary>
public sealed class DecodoDialect : IBackconnectDialect
{
    public const string Vendor = "Decodo";
    public const int MaxSessionMinutes = 1440;
    public const int DefaultSessionMinutes = 10;

    public static readonly VendorSessionIdFormat SessionIdFormat = new(12, VendorSessionIdCharset.LowerAlphanumeric);

    public string Name => BackconnectDialectNames.Decodo;

    public BackconnectTranslation Translate(in BackconnectRequest request)
    {
        TargetingParameters targeting = request.Targeting;
        if (RefuseUnsupported(targeting, Vendor, city: false, state: false, asn: false) is { } unsupported)
        {
            return unsupported;
        }

        string baseUsername = request.BaseCredentials.Username;
        var username = new StringBuilder(128);
        if (!baseUsername.StartsWith("user-", StringComparison.Ordinal))
        {
            username.Append("user-");
        }

        username.Append(baseUsername);
        if (targeting.Country is { } country)
        {
            username.Append("-country-").Append(Lower(country));
        }

        string? vendorSession = null;
        if (targeting.SessionId is { } sessionId)
        {
            if (targeting.SessionMode == SessionMode.Strict)
            {
                return BackconnectTranslation.Refuse(SessionModeKey, "the Decodo gateway has no strict switch (its exit may change early); use sessmode-flex");
            }

            int minutes = DefaultSessionMinutes;
            if (targeting.SessionTtl is { } ttl && RefuseUnlessMinutes(ttl, MaxSessionMinutes, Vendor, out minutes) is { } refusal)
            {
                return refusal;
            }

            if (minutes != DefaultSessionMinutes)
            {
                username.Append("-sessionduration-").Append(minutes.ToString(CultureInfo.InvariantCulture));
            }

            vendorSession = request.SessionIds.Derive(targeting.Account, sessionId, request.SessionEpoch, SessionIdFormat);
            username.Append("-session-").Append(vendorSession);
        }

        return BackconnectTranslation.Success(username.ToString(), request.BaseCredentials.Password, vendorSession);
    }
}
