namespace ProxyRotator.Core.GeoIp;

/// <summary>What a MaxMind database answers, from its metadata's <c>database_type</c>.</summary>
public enum GeoIpDatabaseKind
{
    /// <summary>Neither a location nor a connection-type database (ASN, Anonymous-IP, ...).</summary>
    Unsupported = 0,

    /// <summary>e.g. <c>GeoLite2-Country</c>, <c>GeoIP2-Country</c>.</summary>
    Country = 1,

    /// <summary>e.g. <c>GeoLite2-City</c>, <c>GeoIP2-City</c>: country plus city.</summary>
    City = 2,

    /// <summary><c>GeoIP2-Enterprise</c>: a City database with more fields.</summary>
    Enterprise = 3,

    /// <summary><c>GeoIP2-Connection-Type</c>: Cable/DSL, Cellular, Corporate, Satellite.</summary>
    ConnectionType = 4,
}
