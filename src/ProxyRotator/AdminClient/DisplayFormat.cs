using System.Globalization;

namespace ProxyRotator.AdminClient;

/// <summary>Short, culture-independent renderings for CLI tables.</summary>
internal static class DisplayFormat
{
    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Score(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    public static string? Latency(double? ms) => ms is double value ? value.ToString("0", CultureInfo.InvariantCulture) + " ms" : null;

    public static string? Percent(double? ratio) => ratio is double value ? (value * 100).ToString("0", CultureInfo.InvariantCulture) + "%" : null;

    public static string? Time(DateTimeOffset? at) => at?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        < 1024L * 1024 * 1024 => (bytes / 1024.0 / 1024).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        _ => (bytes / 1024.0 / 1024 / 1024).ToString("0.00", CultureInfo.InvariantCulture) + " GiB",
    };

    public static string Country(string? verified, string? declared) =>
        verified is not null ? (declared is not null && declared != verified ? $"{verified} (declared {declared})" : $"{verified} ✓") : declared ?? "??";
}
