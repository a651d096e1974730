using System.Globalization;
using System.Text;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;
using static ProxyRotator.Core.Backconnect.DialectChecks;

namespace ProxyRotator.Core.Backconnect;

/// <summary>
/// Bright Data (<c>brd.superproxy.io:33335</c>): <c>brd-customer-ID-zone-ZONE</c> then <c>-country-us</c>,
/// <c>-state-ny</c> (only with country-us), <c>-city-sanfrancisco</c> (no separators), <c>-asn-56386</c>,
/// <c>-session-ID</c> and, for strict sessions, <c>-const</c> (never replace the peer; a dead peer answers 502).
/// Bright Data has no lifetime parameter (a session dies after 60 s idle): ProxyRotator ends the vendor session at
/// the TTL itself by moving to a new vendor session id. Datacenter and ISP zones take country only.
/// </summary>
public sealed class BrightDataDialect : IBackconnectDialect
{
    public const string Vendor = "Bright Data";

    public static readonly VendorSessionIdFormat SessionIdFormat = new(16, VendorSessionIdCharset.LowerAlphanumeric);

    public string Name => BackconnectDialectNames.BrightData;

    public BackconnectTranslation Translate(in BackconnectRequest request)
    {
        TargetingParameters targeting = request.Targeting;
        string baseUsername = request.BaseCredentials.Username;
        if (!baseUsername.StartsWith("brd-customer-", StringComparison.Ordinal) || !baseUsername.Contains("-zone-", StringComparison.Ordinal))
        {
            return BackconnectTranslation.Refuse("username", "a Bright Data username is brd-customer-<id>-zone-<zone>");
        }

        if (request.UpstreamType is UpstreamType.Datacenter or UpstreamType.Isp)
        {
            string? other = targeting.City is not null ? CityKey : targeting.State is not null ? StateKey
                : targeting.Asn is not null ? AsnKey : targeting.SessionId is not null ? SessionKey : null;
            if (other is not null)
            {
                return BackconnectTranslation.Refuse(other, "Bright Data datacenter and ISP zones take country only");
            }
        }

        var username = new StringBuilder(baseUsername, 128);
        if (targeting.Country is { } country)
        {
            username.Append("-country-").Append(Lower(country));
        }

        if (targeting.State is not null)
        {
            if (RefuseUnlessUsState(targeting, Vendor, out string code, out _) is { } refusal)
            {
                return refusal;
            }

            username.Append("-state-").Append(code);
        }

        if (targeting.City is { } city)
        {
            username.Append("-city-").Append(Joined(city));
        }

        if (targeting.Asn is { } asn)
        {
            username.Append("-asn-").Append(asn.ToString(CultureInfo.InvariantCulture));
        }

        string? vendorSession = null;
        if (targeting.SessionId is { } sessionId)
        {
            vendorSession = request.SessionIds.Derive(targeting.Account, sessionId, request.SessionEpoch, SessionIdFormat);
            username.Append("-session-").Append(vendorSession);
            if (targeting.SessionMode == SessionMode.Strict)
            {
                username.Append("-const");
            }
        }

        return BackconnectTranslation.Success(username.ToString(), request.BaseCredentials.Password, vendorSession);
    }
}
