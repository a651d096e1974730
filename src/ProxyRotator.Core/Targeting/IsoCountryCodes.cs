namespace ProxyRotator.Core.Targeting;

/// <summary>
/// The one country normaliser: the configuration, the username grammar, provider lists, the admin API and GeoIP
/// results all pass a country through here, so an upstream and a query always spell it the same way. Accepted: the
/// ISO 3166-1 alpha-2 codes (officially assigned) in any case, stored upper case, looked up without allocation.
/// </summary>
/// <remarks>
/// Two exceptions, both written by vendors and GeoIP databases: <c>UK</c> is an alias of <c>GB</c> (exceptionally
/// reserved by ISO, used widely by providers and clients), and <c>XK</c> (Kosovo) is accepted as a code of its own:
/// it is user-assigned in ISO 3166 but MaxMind's databases, the EU and most proxy vendors use it, and refusing it
/// would make upstreams that GeoIP places in Kosovo impossible to target.
/// </remarks>
public static class IsoCountryCodes
{
    private const string Assigned =
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
        "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
        "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
        "KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT " +
        "MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
        "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG " +
        "UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

    /// <summary>Kosovo: user-assigned in ISO 3166, used by GeoIP databases and vendors (see remarks).</summary>
    public const string Kosovo = "XK";

    // Index (first - 'A') * 26 + (second - 'A') -> the canonical upper-case code, so parsing never allocates.
    private static readonly string?[] _table = BuildTable();

    /// <summary>Number of officially assigned codes (249).</summary>
    public static int Count { get; } = (Assigned.Length + 1) / 3;

    /// <summary>
    /// For values that may be absent (configuration, provider lists, the admin API): blank is accepted as "no
    /// country" (null); anything else, trimmed, must be a code <see cref="TryNormalize(ReadOnlySpan{char}, out string?)"/> accepts.
    /// </summary>
    public static bool TryNormalizeOptional(string? text, out string? canonical)
    {
        canonical = null;
        return string.IsNullOrWhiteSpace(text) || TryNormalize(text.AsSpan().Trim(), out canonical);
    }

    /// <summary>Accepts a code in any case; returns the canonical upper-case string (shared, not allocated).</summary>
    public static bool TryNormalize(ReadOnlySpan<char> code, out string? canonical)
    {
        canonical = null;
        if (code.Length != 2)
        {
            return false;
        }

        int first = ToLetterIndex(code[0]);
        int second = ToLetterIndex(code[1]);
        if (first < 0 || second < 0)
        {
            return false;
        }

        canonical = _table[(first * 26) + second];
        return canonical is not null;
    }

    public static bool IsValid(ReadOnlySpan<char> code) => TryNormalize(code, out _);

    private static int ToLetterIndex(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a',
        _ => -1,
    };

    private static string?[] BuildTable()
    {
        var table = new string?[26 * 26];
        foreach (string code in Assigned.Split(' '))
        {
            table[((code[0] - 'A') * 26) + (code[1] - 'A')] = code;
        }

        table[(('U' - 'A') * 26) + ('K' - 'A')] = table[(('G' - 'A') * 26) + ('B' - 'A')];
        table[(('X' - 'A') * 26) + ('K' - 'A')] = Kosovo;
        return table;
    }
}
