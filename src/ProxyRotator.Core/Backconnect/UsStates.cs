using System.Collections.Frozen;

namespace ProxyRotator.Core.Backconnect;

/// <summary>
/// US states (and DC) by two-letter postal code and by name (lower case, <c>_</c> for spaces), because vendors
/// disagree: Bright Data writes <c>state-ny</c>, Oxylabs <c>st-us_new_york</c>, IPRoyal <c>state-new_york</c>.
/// </summary>
public static class UsStates
{
    private static readonly (string Code, string Name)[] _states =
    [
        ("al", "alabama"), ("ak", "alaska"), ("az", "arizona"), ("ar", "arkansas"), ("ca", "california"),
        ("co", "colorado"), ("ct", "connecticut"), ("de", "delaware"), ("dc", "district_of_columbia"), ("fl", "florida"),
        ("ga", "georgia"), ("hi", "hawaii"), ("id", "idaho"), ("il", "illinois"), ("in", "indiana"), ("ia", "iowa"),
        ("ks", "kansas"), ("ky", "kentucky"), ("la", "louisiana"), ("me", "maine"), ("md", "maryland"),
        ("ma", "massachusetts"), ("mi", "michigan"), ("mn", "minnesota"), ("ms", "mississippi"), ("mo", "missouri"),
        ("mt", "montana"), ("ne", "nebraska"), ("nv", "nevada"), ("nh", "new_hampshire"), ("nj", "new_jersey"),
        ("nm", "new_mexico"), ("ny", "new_york"), ("nc", "north_carolina"), ("nd", "north_dakota"), ("oh", "ohio"),
        ("ok", "oklahoma"), ("or", "oregon"), ("pa", "pennsylvania"), ("ri", "rhode_island"), ("sc", "south_carolina"),
        ("sd", "south_dakota"), ("tn", "tennessee"), ("tx", "texas"), ("ut", "utah"), ("vt", "vermont"),
        ("va", "virginia"), ("wa", "washington"), ("wv", "west_virginia"), ("wi", "wisconsin"), ("wy", "wyoming"),
    ];

    private static readonly FrozenDictionary<string, (string Code, string Name)> _byCodeOrName =
        _states.SelectMany(s => new[] { KeyValuePair.Create(s.Code, s), KeyValuePair.Create(s.Name, s) })
            .ToFrozenDictionary(StringComparer.Ordinal);

    public static int Count => _states.Length;

    /// <summary>Accepts a code (<c>ny</c>) or a name (<c>new_york</c>), lower case as the username parser stores them.</summary>
    public static bool TryFind(string state, out string code, out string name)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (_byCodeOrName.TryGetValue(state, out (string Code, string Name) found))
        {
            (code, name) = found;
            return true;
        }

        code = name = string.Empty;
        return false;
    }
}
