using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Core.Backconnect;

/// <summary>Checks and value formats the built-in dialects share, so their refusals read alike.</summary>
internal static class DialectChecks
{
    public const string CountryKey = "country";
    public const string CityKey = "city";
    public const string StateKey = "state";
    public const string AsnKey = "asn";
    public const string SessionKey = "session";
    public const string SessionTimeKey = "sesstime";
    public const string SessionModeKey = "sessmode";

    /// <summary>The first of state, asn, city that the vendor has no parameter for; null if none is asked for.</summary>
    public static BackconnectTranslation? RefuseUnsupported(TargetingParameters targeting, string vendor, bool city, bool state, bool asn)
    {
        if (!city && targeting.City is not null)
        {
            return NotSupported(CityKey, vendor);
        }

        if (!state && targeting.State is not null)
        {
            return NotSupported(StateKey, vendor);
        }

        if (!asn && targeting.Asn is not null)
        {
            return NotSupported(AsnKey, vendor);
        }

        return null;
    }

    public static BackconnectTranslation NotSupported(string parameter, string vendor) =>
        BackconnectTranslation.Refuse(parameter, $"the {vendor} gateway has no such parameter");

    /// <summary>A US state as the dialect writes it, or a refusal (unknown state, or a country other than US).</summary>
    public static BackconnectTranslation? RefuseUnlessUsState(TargetingParameters targeting, string vendor, out string code, out string name)
    {
        code = name = string.Empty;
        if (targeting.Country != "US")
        {
            return BackconnectTranslation.Refuse(StateKey, $"the {vendor} gateway takes a state only with country-us");
        }

        return UsStates.TryFind(targeting.State!, out code, out name)
            ? null
            : BackconnectTranslation.Refuse(StateKey, $"'{targeting.State}' is not a US state code or name (e.g. ny, new_york)");
    }

    /// <summary>The TTL in whole minutes within [1, max], or a refusal naming sesstime.</summary>
    public static BackconnectTranslation? RefuseUnlessMinutes(TimeSpan ttl, int maxMinutes, string vendor, out int minutes)
    {
        minutes = 0;
        double total = ttl.TotalMinutes;
        if (total < 1 || total > maxMinutes || total != Math.Floor(total))
        {
            return BackconnectTranslation.Refuse(SessionTimeKey, $"the {vendor} gateway takes whole minutes from 1 to {maxMinutes}");
        }

        minutes = (int)total;
        return null;
    }

    public static string Lower(string value) => value.ToLowerInvariant();

    /// <summary>A city or state without its word separators (<c>san_francisco</c> → <c>sanfrancisco</c>).</summary>
    public static string Joined(string value) => value.Replace("_", string.Empty, StringComparison.Ordinal);
}
