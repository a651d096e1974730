namespace ProxyRotator.Core.GeoIp;

/// <summary>A GeoIP database file that cannot be used: missing, unreadable, or the wrong kind for its role.</summary>
public sealed class GeoIpDatabaseException(string message, Exception? innerException = null) : Exception(message, innerException);
