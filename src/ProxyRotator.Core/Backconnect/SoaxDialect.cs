using System.Text;
using ProxyRotator.Core.Targeting;
using static ProxyRotator.Core.Backconnect.DialectChecks;

namespace ProxyRotator.Core.Backconnect;

/// <summary>
/// SOAX, current form (<c>proxy.soax.com:1337</c>): the username is the rules and the password the package key,
/// <c>country-us-city-los_angeles-sessionid-ID:pk_…</c>. At least one rule is required, so a request without
/// targeting is written <c>country-any</c>. A strict session adds <c>bind-node</c> (never combined with the rotate or
/// onerror rules, which this dialect does not write). The username in the upstream's URL is not sent. No state or ASN
/// rule in our sources, and no lifetime rule: ProxyRotator ends the vendor session at the TTL by moving to a new id.
/// </summary>
public sealed class SoaxDialect : IBackconnectDialect
{
    public const string Vendor = "SOAX";

    public static readonly VendorSessionIdFormat SessionIdFormat = new(12, VendorSessionIdCharset.LowerAlphanumeric);

    public string Name => BackconnectDialectNames.Soax;

    public BackconnectTranslation Translate(in BackconnectRequest request)
    {
        TargetingParameters targeting = request.Targeting;
        if (RefuseUnsupported(targeting, Vendor, city: true, state: false, asn: false) is { } unsupported)
        {
            return unsupported;
        }

        if (request.BaseCredentials.Password.Length == 0)
        {
            return BackconnectTranslation.Refuse("password", "a SOAX upstream needs its package key as the password");
        }

        var rules = new StringBuilder(96);
        rules.Append("country-").Append(targeting.Country is { } country ? Lower(country) : "any");
        if (targeting.City is { } city)
        {
            if (targeting.Country is null)
            {
                return BackconnectTranslation.Refuse(CityKey, "the SOAX gateway takes a city only with a country");
            }

            rules.Append("-city-").Append(city);
        }

        string? vendorSession = null;
        if (targeting.SessionId is { } sessionId)
        {
            vendorSession = request.SessionIds.Derive(targeting.Account, sessionId, request.SessionEpoch, SessionIdFormat);
            rules.Append("-sessionid-").Append(vendorSession);
            if (targeting.SessionMode == SessionMode.Strict)
            {
                rules.Append("-bind-node");
            }
        }

        return BackconnectTranslation.Success(rules.ToString(), request.BaseCredentials.Password, vendorSession);
    }
}
