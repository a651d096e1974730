using MaxMind.Db;

namespace ProxyRotator.Core.GeoIp;

/// <summary>
/// Tells what a database file is. MaxMind's reader refuses a query whose method does not match the database type
/// (Country() on a City database throws), so the kind decides which query <see cref="GeoIpLookup"/> makes.
/// </summary>
public static class GeoIpDatabaseKinds
{
    public static GeoIpDatabaseKind FromDatabaseType(string? databaseType) => databaseType switch
    {
        null => GeoIpDatabaseKind.Unsupported,
        _ when databaseType.Contains("Connection-Type", StringComparison.Ordinal) => GeoIpDatabaseKind.ConnectionType,
        _ when databaseType.Contains("Enterprise", StringComparison.Ordinal) => GeoIpDatabaseKind.Enterprise,
        _ when databaseType.Contains("City", StringComparison.Ordinal) => GeoIpDatabaseKind.City,
        _ when databaseType.Contains("Country", StringComparison.Ordinal) => GeoIpDatabaseKind.Country,
        _ => GeoIpDatabaseKind.Unsupported,
    };

    public static bool AnswersCountry(GeoIpDatabaseKind kind) =>
        kind is GeoIpDatabaseKind.Country or GeoIpDatabaseKind.City or GeoIpDatabaseKind.Enterprise;

    /// <summary>Reads only the metadata of <paramref name="path"/> (memory-mapped, nothing loaded).</summary>
    public static bool TryProbe(string path, out string? databaseType, out string? error)
    {
        databaseType = null;
        try
        {
            using var reader = new Reader(path, FileAccessMode.MemoryMapped);
            databaseType = reader.Metadata.DatabaseType;
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is InvalidDatabaseException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            error = $"'{path}' is not a readable MaxMind database ({ex.Message})";
            return false;
        }
    }
}
