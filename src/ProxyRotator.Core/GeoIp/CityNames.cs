namespace ProxyRotator.Core.GeoIp;

/// <summary>
/// The one city normaliser: the configuration, the username grammar (<c>-city-sao_paulo</c>), provider lists, the
/// admin API and GeoIP results all pass a city through here, so an upstream and a query always spell it the same way.
/// </summary>
/// <remarks>
/// Rules: lower case; accents removed from Latin letters (<c>São Paulo</c> and <c>sao paulo</c> are the same city,
/// and a username is written in ASCII; <c>ß</c> becomes <c>ss</c>); letters and digits kept; each run of spaces, <c>-</c>, <c>_</c>, <c>.</c>, <c>,</c> and
/// apostrophes becomes one <c>_</c> (a hyphen would end the value in the username grammar), none at either end;
/// at most <see cref="MaxLength"/> characters. Anything else (punctuation, symbols, control characters) is refused.
/// </remarks>
public static class CityNames
{
    /// <summary>The longest normalised city name.</summary>
    public const int MaxLength = 64;

    /// <summary>Normalizes a city name; false when nothing is left or it holds characters the rules refuse.</summary>
    public static bool TryNormalize(string? value, out string city) => TryNormalize(value.AsSpan(), out city);

    /// <summary>
    /// For values that may be absent (configuration, provider lists, the admin API): blank is accepted as "no city"
    /// (null); anything else must normalise.
    /// </summary>
    public static bool TryNormalizeOptional(string? value, out string? city)
    {
        city = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        bool valid = TryNormalize(value.AsSpan(), out string normalized);
        city = valid ? normalized : null;
        return valid;
    }

    /// <inheritdoc cref="TryNormalize(string?, out string)"/>
    public static bool TryNormalize(ReadOnlySpan<char> value, out string city)
    {
        city = string.Empty;
        value = value.Trim();

        // A name far longer than the result can be is refused before any work (a username caps this at 255 anyway).
        if (value.IsEmpty || value.Length > MaxLength * 4)
        {
            return false;
        }

        Span<char> buffer = stackalloc char[MaxLength];
        int length = 0;
        bool separatorPending = false;
        foreach (char c in value)
        {
            if (IsSeparator(c))
            {
                separatorPending = true;
                continue;
            }

            if (c is >= '\u0300' and <= '\u036F')
            {
                continue; // a combining accent of an already decomposed name
            }

            (char first, char second) = Fold(c);
            if (first == '\0')
            {
                return false;
            }

            int needed = (second == '\0' ? 1 : 2) + (separatorPending && length > 0 ? 1 : 0);
            if (length + needed > MaxLength)
            {
                return false;
            }

            if (separatorPending && length > 0)
            {
                buffer[length++] = '_';
            }

            separatorPending = false;
            buffer[length++] = first;
            if (second != '\0')
            {
                buffer[length++] = second;
            }
        }

        if (length == 0)
        {
            return false;
        }

        city = new string(buffer[..length]);
        return true;
    }

    private static bool IsSeparator(char c) => c is ' ' or '-' or '_' or '.' or ',' or '\'' or '\u2019';

    /// <summary>
    /// The lower-case, unaccented spelling of one letter or digit (one or two characters, the second <c>\0</c> when
    /// there is one); <c>\0</c> first when the character is neither. The product runs with invariant globalization
    /// (no ICU, so no Unicode normalisation): Latin letters with accents (Latin-1 and Latin Extended-A, where
    /// European city names live) are folded from a table; other letters (Cyrillic, Greek, ...) are kept, lower-cased.
    /// </summary>
    private static (char First, char Second) Fold(char c)
    {
        if (char.IsAsciiLetterOrDigit(c))
        {
            return (char.ToLowerInvariant(c), '\0');
        }

        if (c is >= '\u00C0' and <= '\u017F')
        {
            char folded = LatinFold[c - '\u00C0'];
            return folded switch
            {
                '.' => ('\0', '\0'),
                '*' => c switch
                {
                    '\u00DF' => ('s', 's'),
                    '\u00C6' or '\u00E6' => ('a', 'e'),
                    '\u0152' or '\u0153' => ('o', 'e'),
                    '\u00DE' or '\u00FE' => ('t', 'h'),
                    _ => ('i', 'j'),
                },
                _ => (folded, '\0'),
            };
        }

        return char.IsLetterOrDigit(c) ? (char.ToLowerInvariant(c), '\0') : ('\0', '\0');
    }

    // U+00C0..U+017F -> base letter; '*' folds to two letters (see Fold), '.' is no letter (the x and ÷ signs).
    private const string LatinFold =
        "aaaaaa*ceeeeiiiidnooooo.ouuuuy**aaaaaa*ceeeeiiiidnooooo.ouuuuy*y" +
        "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii**jjkkklllllll" +
        "lllnnnnnnnnnoooooo**rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
}
