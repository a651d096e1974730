using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Simulation.Backconnect;

/// <summary>Value checks the simulated vendor grammars share.</summary>
internal static class VendorTokens
{
    public static bool IsAlphanumeric(string value) => value.Length > 0 && value.All(char.IsAsciiLetterOrDigit);

    public static bool IsLowerWord(string value, bool underscores) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterLower(c) || (underscores && c == '_'));

    public static bool TryCountry(string value, bool upperCase, out string? country)
    {
        country = null;
        bool caseOk = upperCase ? value.All(char.IsAsciiLetterUpper) : value.All(char.IsAsciiLetterLower);
        return caseOk && IsoCountryCodes.TryNormalize(value, out country);
    }

    public static bool TryNumber(string value, long min, long max, out long number) =>
        long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out number)
        && number >= min && number <= max;

    /// <summary>Splits <c>k1-v1-k2-v2</c> into pairs; flags (keys without a value) are listed in <paramref name="flags"/>.</summary>
    public static bool TryPairs(string text, char separator, IReadOnlySet<string> flags, out List<(string Key, string? Value)> pairs)
    {
        pairs = [];
        string[] tokens = text.Split(separator);
        for (int i = 0; i < tokens.Length; i++)
        {
            string key = tokens[i];
            if (key.Length == 0)
            {
                return false;
            }

            if (flags.Contains(key))
            {
                pairs.Add((key, null));
                continue;
            }

            if (i + 1 >= tokens.Length || tokens[i + 1].Length == 0)
            {
                return false;
            }

            pairs.Add((key, tokens[++i]));
        }

        return true;
    }
}
