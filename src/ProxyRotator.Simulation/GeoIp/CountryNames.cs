namespace ProxyRotator.Simulation.GeoIp;

/// <summary>English names for the countries the simulated world uses; other codes name themselves.</summary>
internal static class CountryNames
{
    public static string English(string isoCode) => isoCode switch
    {
        "US" => "United States",
        "DE" => "Germany",
        "GB" => "United Kingdom",
        "FR" => "France",
        "JP" => "Japan",
        "BR" => "Brazil",
        "NL" => "Netherlands",
        "CA" => "Canada",
        _ => isoCode,
    };
}
