namespace ProxyRotator.Core.GeoIp;

/// <summary>How one part (country or connection type) of a GeoIP look-up went.</summary>
public enum GeoIpLookupStatus
{
    /// <summary>The database has a record for the address.</summary>
    Found = 0,

    /// <summary>The database is there but does not know the address.</summary>
    NotFound = 1,

    /// <summary>No database for this question is configured.</summary>
    NoDatabase = 2,

    /// <summary>The text asked about is not an IP address.</summary>
    InvalidAddress = 3,
}
