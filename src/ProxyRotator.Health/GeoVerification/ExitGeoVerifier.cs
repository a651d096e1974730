using System.Net;
using ProxyRotator.Core.GeoIp;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Health.GeoVerification;

/// <summary>
/// Verifies an upstream's exit address against the GeoIP databases after each successful probe.
/// <para>A static upstream gets the country and connection type of its exit; a disagreement with what was declared
/// is recorded as a note (shown in the admin API) and the verified country wins for targeting (the snapshot's
/// <c>EffectiveCountry</c>). Connection types map as <see cref="GeoIpConnectionTypes"/> says: Cellular → mobile,
/// Cable/DSL → residential (an ISP proxy passes as residential), Corporate → datacenter.</para>
/// <para>A rotating (backconnect) upstream — one whose recent probes saw <see cref="RotatingThreshold"/> or more
/// distinct exits — is verified per probe but only gets a verified country when every recent exit lies in the same
/// country, and is only flagged when that common country disagrees with the declared one, so a normal rotation is
/// never a mismatch.</para>
/// <para>Without a database nothing is changed; an exit the database does not know leaves the country unverified.</para>
/// </summary>
public sealed class ExitGeoVerifier
{
    /// <summary>Distinct exits within the recent window that mark an upstream as rotating.</summary>
    public const int RotatingThreshold = 2;

    /// <summary>Recent successful probes considered (the current one included).</summary>
    public const int RecentWindow = 5;

    private readonly IGeoIpLookup _geoIp;

    public ExitGeoVerifier(IGeoIpLookup geoIp) => _geoIp = geoIp;

    /// <summary>The country GeoIP places <paramref name="exitIp"/> in; null when there is no database or it does not know the address.</summary>
    public string? CountryOf(string exitIp) =>
        _geoIp.HasCountryDatabase && IPAddress.TryParse(exitIp, out IPAddress? address) ? _geoIp.Lookup(address).Country : null;

    public GeoVerdict Verify(GeoSubject subject, string exitIp)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentException.ThrowIfNullOrEmpty(exitIp);

        List<string> window = [exitIp, .. subject.RecentExitIps.Take(RecentWindow - 1)];
        string[] distinct = [.. window.Distinct(StringComparer.Ordinal)];
        bool rotating = distinct.Length >= RotatingThreshold;
        bool exitChanged = subject.PreviousExitIp is not null && !string.Equals(subject.PreviousExitIp, exitIp, StringComparison.Ordinal);

        GeoIpResult? current = Lookup(exitIp);

        string? verifiedCountry = subject.PreviousVerifiedCountry;
        if (_geoIp.HasCountryDatabase)
        {
            verifiedCountry = rotating ? CommonCountry(distinct) : current?.Country;
        }

        string? connectionType = _geoIp.HasConnectionTypeDatabase ? current?.ConnectionType : subject.PreviousConnectionType;

        string? geoMismatch = subject.DeclaredCountry is { } declared && verifiedCountry is not null
            && !string.Equals(declared, verifiedCountry, StringComparison.OrdinalIgnoreCase)
            ? rotating
                ? $"declared {declared.ToUpperInvariant()}, but all {distinct.Length} recent exits are in {verifiedCountry}"
                : $"declared {declared.ToUpperInvariant()}, but exit {exitIp} is in {verifiedCountry}"
            : null;

        string? typeMismatch = null;
        if (GeoIpConnectionTypes.ToUpstreamType(connectionType) is { } seen && !GeoIpConnectionTypes.Matches(subject.DeclaredType, seen))
        {
            typeMismatch = $"declared {Name(subject.DeclaredType)}, but exit {exitIp} has connection type {connectionType} ({Name(seen)})";
        }

        return new GeoVerdict(verifiedCountry, connectionType, geoMismatch, typeMismatch, rotating, exitChanged);
    }

    /// <summary>The country every distinct recent exit lies in, or null when they disagree or any is unknown.</summary>
    private string? CommonCountry(string[] distinctExits)
    {
        string? common = null;
        foreach (string ip in distinctExits)
        {
            string? country = Lookup(ip)?.Country;
            if (country is null || (common is not null && common != country))
            {
                return null;
            }

            common = country;
        }

        return common;
    }

    private GeoIpResult? Lookup(string ip) => IPAddress.TryParse(ip, out IPAddress? address) ? _geoIp.Lookup(address) : null;

    private static string Name(UpstreamType type) => type.ToString().ToLowerInvariant();
}
