using ProxyRotator.Core.Configuration;
using ProxyRotator.UnitTests.GeoIp;
using static ProxyRotator.UnitTests.Configuration.ConfigJson;

namespace ProxyRotator.UnitTests.Configuration;

public sealed class ConfigLoaderGeoIpTests : IDisposable
{
    private readonly GeoIpTestDatabases _databases = new();

    public void Dispose() => _databases.Dispose();

    [Fact]
    public void LoadFromString_RelativeDatabases_AreResolvedAgainstTheFilesDirectory()
    {
        ProxyRotatorConfig config = Load(
            Document("'geoip': { 'countryDb': 'GeoLite2-City.mmdb', 'connectionTypeDb': './GeoIP2-Connection-Type.mmdb' }"),
            baseDirectory: _databases.Directory);

        Assert.Equal(_databases.CityDb, config.GeoIp.CountryDb);
        Assert.Equal(_databases.ConnectionTypeDb, config.GeoIp.ConnectionTypeDb);
    }

    [Fact]
    public void LoadFromString_ConnectionTypeDatabaseAsCountryDb_IsRejected() =>
        SingleError(
            Document("'geoip': { 'countryDb': 'GeoIP2-Connection-Type.mmdb' }"),
            "geoip.countryDb",
            "is a 'GeoIP2-Connection-Type' database, not a Country or City database",
            baseDirectory: _databases.Directory);

    [Fact]
    public void LoadFromString_CountryDatabaseAsConnectionTypeDb_IsRejected() =>
        SingleError(
            Document("'geoip': { 'connectionTypeDb': 'GeoLite2-Country.mmdb' }"),
            "geoip.connectionTypeDb",
            "is a 'GeoLite2-Country' database, not a Connection-Type database",
            baseDirectory: _databases.Directory);
}
