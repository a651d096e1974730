namespace ProxyRotator.Core.GeoIp;

/// <summary>
/// The one spelling of a city used in configuration, targeting (<c>-city-sao_paulo</c>) and the store:
/// lower case, <c>_</c> for spaces and hyphens (a hyphen would end the value in the username grammar).
/// </summary>
public static class CityNames
{
    /// <summary>Normalizes a city name; false when it is empty or holds characters other than letters, digits, spaces, <c>-</c> and <c>_</c>.</summary>
    public static bool TryNormalize(string? value, out string city)
    {
        city = string.Empty;
        string trimmed = value?.Trim() ?? string.Empty;
        if (trimmed.Length is 0 or > 64)
        {
            return false;
        }

        var buffer = new char[trimmed.Length];
        for (int i = 0; i < trimmed.Length; i++)
        {
            char c = trimmed[i];
            if (char.IsLetterOrDigit(c))
            {
                buffer[i] = char.ToLowerInvariant(c);
            }
            else if (c is ' ' or '-' or '_')
            {
                buffer[i] = '_';
            }
            else
            {
                return false;
            }
        }

        city = new string(buffer);
        return true;
    }
}
