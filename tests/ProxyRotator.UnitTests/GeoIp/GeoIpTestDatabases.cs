using ProxyRotator.Simulation.GeoIp;

namespace ProxyRotator.UnitTests.GeoIp;

/// <summary>Small MaxMind databases written by the project's <see cref="MmdbWriter"/> into a temporary folder.</summary>
internal sealed class GeoIpTestDatabases : IDisposable
{
    public GeoIpTestDatabases()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("proxyrotator-geoip-").FullName;

        CountryDb = Path.Combine(Directory, "GeoLite2-Country.mmdb");
        new MmdbWriter(GeoIpRecords.CountryDatabaseType)
            .Insert("81.2.69.0/24", GeoIpRecords.Country("GB"))
            .Insert("127.0.1.0/28", GeoIpRecords.Country("DE"))
            .Insert("2001:db8:1::/48", GeoIpRecords.Country("FR"))
            .WriteTo(CountryDb);

        CityDb = Path.Combine(Directory, "GeoLite2-City.mmdb");
        new MmdbWriter(GeoIpRecords.CityDatabaseType)
            .Insert("81.2.69.0/24", GeoIpRecords.City("GB", "London"))
            .Insert("127.0.1.16/28", GeoIpRecords.City("DE", "Frankfurt am Main"))
            .WriteTo(CityDb);

        ConnectionTypeDb = Path.Combine(Directory, "GeoIP2-Connection-Type.mmdb");
        new MmdbWriter(GeoIpRecords.ConnectionTypeDatabaseType)
            .Insert("127.0.1.1/32", GeoIpRecords.ConnectionType(GeoIpRecords.CableDsl))
            .Insert("127.0.1.2/32", GeoIpRecords.ConnectionType(GeoIpRecords.Cellular))
            .Insert("127.0.1.3/32", GeoIpRecords.ConnectionType(GeoIpRecords.Corporate))
            .Insert("127.0.1.4/32", GeoIpRecords.ConnectionType(GeoIpRecords.Satellite))
            .Insert("81.2.69.0/24", GeoIpRecords.ConnectionType(GeoIpRecords.CableDsl))
            .WriteTo(ConnectionTypeDb);
    }

    public string Directory { get; }

    public string CountryDb { get; }

    public string CityDb { get; }

    public string ConnectionTypeDb { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
