using System.Net;
using MaxMind.Db;
using MaxMind.GeoIP2;
using MaxMind.GeoIP2.Responses;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Core.Configuration;

namespace ProxyRotator.Core.GeoIp;

/// <summary>
/// Answers country (from a Country, City or Enterprise database) and connection type for an IP address. Each
/// database is opened once, read fully into memory, and shared by every thread (MaxMind's reader is thread-safe).
/// The query matches the database type — MaxMind throws when Country() is asked of a City database.
/// </summary>
public sealed class GeoIpLookup : IGeoIpLookup, IDisposable
{
    private readonly DatabaseReader? _location;
    private readonly GeoIpDatabaseKind _locationKind;
    private readonly DatabaseReader? _connectionType;

    private GeoIpLookup(DatabaseReader? location, GeoIpDatabaseKind locationKind, DatabaseReader? connectionType)
    {
        _location = location;
        _locationKind = locationKind;
        _connectionType = connectionType;
    }

    public bool HasCountryDatabase => _location is not null;

    public bool HasConnectionTypeDatabase => _connectionType is not null;

    /// <summary><c>database_type</c> of the country database, e.g. <c>GeoLite2-City</c>; null when none.</summary>
    public string? CountryDatabaseType => _location?.Metadata.DatabaseType;

    public string? ConnectionTypeDatabaseType => _connectionType?.Metadata.DatabaseType;

    public static GeoIpLookup Open(GeoIpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Open(options.CountryDb, options.ConnectionTypeDb);
    }

    /// <summary>Opens the given databases; null or empty paths mean "not configured".</summary>
    /// <exception cref="GeoIpDatabaseException">A file is missing, unreadable or of the wrong kind.</exception>
    public static GeoIpLookup Open(string? countryDb, string? connectionTypeDb)
    {
        DatabaseReader? location = null;
        DatabaseReader? connectionType = null;
        try
        {
            GeoIpDatabaseKind locationKind = GeoIpDatabaseKind.Unsupported;
            if (!string.IsNullOrEmpty(countryDb))
            {
                location = OpenReader(countryDb);
                locationKind = GeoIpDatabaseKinds.FromDatabaseType(location.Metadata.DatabaseType);
                if (!GeoIpDatabaseKinds.AnswersCountry(locationKind))
                {
                    throw new GeoIpDatabaseException($"'{countryDb}' is a '{location.Metadata.DatabaseType}' database, not a Country or City database");
                }
            }

            if (!string.IsNullOrEmpty(connectionTypeDb))
            {
                connectionType = OpenReader(connectionTypeDb);
                if (GeoIpDatabaseKinds.FromDatabaseType(connectionType.Metadata.DatabaseType) != GeoIpDatabaseKind.ConnectionType)
                {
                    throw new GeoIpDatabaseException($"'{connectionTypeDb}' is a '{connectionType.Metadata.DatabaseType}' database, not a Connection-Type database");
                }
            }

            return new GeoIpLookup(location, locationKind, connectionType);
        }
        catch
        {
            location?.Dispose();
            connectionType?.Dispose();
            throw;
        }
    }

    /// <summary>Looks up <paramref name="text"/>; a text that is not an IP address gives <see cref="GeoIpLookupStatus.InvalidAddress"/>.</summary>
    public GeoIpResult Lookup(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParseAddress(text, out IPAddress? address) ? Lookup(address) with { Query = text } : GeoIpResult.InvalidAddress(text);
    }

    /// <summary>
    /// An IPv6 address, or an IPv4 address in full dotted-quad form: <see cref="IPAddress.TryParse(string?, out IPAddress?)"/>
    /// also takes <c>81.2.69</c> (as 81.2.0.69), which is never what an operator meant.
    /// </summary>
    public static bool TryParseAddress(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (!text.Contains(':', StringComparison.Ordinal))
        {
            string[] parts = text.Split('.');
            if (parts.Length != 4 || parts.Any(p => p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit)))
            {
                return false;
            }
        }

        return IPAddress.TryParse(text, out address);
    }

    public GeoIpResult Lookup(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        GeoIpResult result = LookupLocation(address);
        return LookupConnectionType(address, result);
    }

    public void Dispose()
    {
        _location?.Dispose();
        _connectionType?.Dispose();
    }

    private GeoIpResult LookupLocation(IPAddress address)
    {
        var result = new GeoIpResult
        {
            Query = address.ToString(),
            Address = address,
            CountryStatus = GeoIpLookupStatus.NoDatabase,
            ConnectionTypeStatus = GeoIpLookupStatus.NoDatabase,
        };
        if (_location is null)
        {
            return result;
        }

        AbstractCountryResponse? response;
        try
        {
            response = _locationKind switch
            {
                GeoIpDatabaseKind.City => _location.TryCity(address, out CityResponse? city) ? city : null,
                GeoIpDatabaseKind.Enterprise => _location.TryEnterprise(address, out EnterpriseResponse? enterprise) ? enterprise : null,
                _ => _location.TryCountry(address, out CountryResponse? country) ? country : null,
            };
        }
        catch (ArgumentException)
        {
            response = null; // an IPv6 address asked of an IPv4-only database
        }

        // The one country normaliser: a code it does not know (a database's private code) is no verified country.
        string? isoCode = response?.Country.IsoCode ?? response?.RegisteredCountry.IsoCode;
        if (response is null || !IsoCountryCodes.TryNormalize(isoCode, out string? countryCode))
        {
            return result with { CountryStatus = GeoIpLookupStatus.NotFound };
        }

        string? cityName = (response as AbstractCityResponse)?.City.Name;
        return result with
        {
            CountryStatus = GeoIpLookupStatus.Found,
            Country = countryCode,
            CountryName = response.Country.Name ?? response.RegisteredCountry.Name,
            City = CityNames.TryNormalize(cityName, out string normalizedCity) ? normalizedCity : null,
            CountryNetwork = response.Traits.Network?.ToString(),
        };
    }

    private GeoIpResult LookupConnectionType(IPAddress address, GeoIpResult result)
    {
        if (_connectionType is null)
        {
            return result;
        }

        ConnectionTypeResponse? response;
        try
        {
            _connectionType.TryConnectionType(address, out response);
        }
        catch (ArgumentException)
        {
            response = null; // an IPv6 address asked of an IPv4-only database
        }

        if (response?.ConnectionType is null)
        {
            return result with { ConnectionTypeStatus = GeoIpLookupStatus.NotFound };
        }

        return result with
        {
            ConnectionTypeStatus = GeoIpLookupStatus.Found,
            ConnectionType = response.ConnectionType,
            UpstreamType = GeoIpConnectionTypes.ToUpstreamType(response.ConnectionType),
        };
    }

    private static DatabaseReader OpenReader(string path)
    {
        if (!File.Exists(path))
        {
            throw new GeoIpDatabaseException($"the GeoIP database '{path}' does not exist");
        }

        try
        {
            return new DatabaseReader(path, FileAccessMode.Memory);
        }
        catch (Exception ex) when (ex is InvalidDatabaseException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new GeoIpDatabaseException($"'{path}' is not a readable MaxMind database ({ex.Message})", ex);
        }
    }
}
