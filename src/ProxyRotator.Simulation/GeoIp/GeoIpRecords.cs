namespace ProxyRotator.Simulation.GeoIp;

/// <summary>
/// Record shapes that MaxMind's GeoIP2 readers understand, for use with <see cref="MmdbWriter"/>, and the
/// database types that select the reader's model.
/// </summary>
public static class GeoIpRecords
{
    public const string CountryDatabaseType = "GeoLite2-Country";
    public const string CityDatabaseType = "GeoLite2-City";
    public const string ConnectionTypeDatabaseType = "GeoIP2-Connection-Type";

    public const string CableDsl = "Cable/DSL";
    public const string Cellular = "Cellular";
    public const string Corporate = "Corporate";
    public const string Satellite = "Satellite";

    /// <summary><c>{country:{iso_code,names:{en}}, registered_country: same}</c>.</summary>
    public static Dictionary<string, object> Country(string isoCode, string? englishName = null)
    {
        Dictionary<string, object> country = CountryPart(isoCode, englishName);
        return new Dictionary<string, object>
        {
            ["country"] = country,
            ["registered_country"] = country,
        };
    }

    /// <summary>A country record plus <c>city:{names:{en}}</c>.</summary>
    public static Dictionary<string, object> City(string isoCode, string cityName, string? countryName = null)
    {
        Dictionary<string, object> record = Country(isoCode, countryName);
        record["city"] = new Dictionary<string, object>
        {
            ["names"] = new Dictionary<string, object> { ["en"] = cityName },
        };
        return record;
    }

    /// <summary><c>{connection_type: "Cable/DSL" | "Cellular" | "Corporate" | "Satellite"}</c>.</summary>
    public static Dictionary<string, object> ConnectionType(string connectionType) =>
        new() { ["connection_type"] = connectionType };

    private static Dictionary<string, object> CountryPart(string isoCode, string? englishName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(isoCode);
        string code = isoCode.ToUpperInvariant();
        return new Dictionary<string, object>
        {
            ["iso_code"] = code,
            ["names"] = new Dictionary<string, object> { ["en"] = englishName ?? CountryNames.English(code) },
        };
    }
}
