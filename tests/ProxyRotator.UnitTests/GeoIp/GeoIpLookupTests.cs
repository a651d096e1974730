using System.Net;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.GeoIp;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.UnitTests.GeoIp;

public sealed class GeoIpLookupTests : IDisposable
{
    private readonly GeoIpTestDatabases _databases = new();

    public void Dispose() => _databases.Dispose();

    [Fact]
    public void Lookup_CountryDatabase_FindsCountryAndNetwork()
    {
        using GeoIpLookup lookup = GeoIpLookup.Open(_databases.CountryDb, null);

        GeoIpResult result = lookup.Lookup("81.2.69.160");

        Assert.Equal(GeoIpLookupStatus.Found, result.CountryStatus);
        Assert.Equal(("GB", "United Kingdom", "81.2.69.0/24"), (result.Country, result.CountryName, result.CountryNetwork));
        Assert.Null(result.City);
        Assert.Equal(IPAddress.Parse("81.2.69.160"), result.Address);
        Assert.Equal(GeoIpLookupStatus.NoDatabase, result.ConnectionTypeStatus);
        Assert.Equal("GeoLite2-Country", lookup.CountryDatabaseType);
        Assert.True(lookup.HasCountryDatabase);
        Assert.False(lookup.HasConnectionTypeDatabase);
    }

    [Fact]
    public void Lookup_CityDatabase_FindsCountryAndCity()
    {
        using GeoIpLookup lookup = GeoIpLookup.Open(_databases.CityDb, null);

        GeoIpResult result = lookup.Lookup(IPAddress.Parse("127.0.1.20"));

        Assert.Equal(GeoIpLookupStatus.Found, result.CountryStatus);
        Assert.Equal(("DE", "frankfurt_am_main"), (result.Country, result.City));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("127.0.1.16")]
    [InlineData("2001:db8:2::1")]
    public void Lookup_AddressNotInDatabase_SaysNotFound(string ip)
    {
        using GeoIpLookup lookup = GeoIpLookup.Open(_databases.CountryDb, _databases.ConnectionTypeDb);

        GeoIpResult result = lookup.Lookup(ip);

        Assert.Equal(GeoIpLookupStatus.NotFound, result.CountryStatus);
        Assert.Null(result.Country);
        Assert.Equal(GeoIpLookupStatus.NotFound, result.ConnectionTypeStatus);
    }

    [Fact]
    public void Lookup_Ipv6NetworkAndIpv4MappedAddress_AreFound()
    {
        using GeoIpLookup lookup = GeoIpLookup.Open(_databases.CountryDb, null);

        Assert.Equal("FR", lookup.Lookup("2001:db8:1::42").Country);
        Assert.Equal("GB", lookup.Lookup(IPAddress.Parse("81.2.69.1").MapToIPv6()).Country);
    }

    [Theory]
    [InlineData("127.0.1.1", "Cable/DSL", UpstreamType.Residential)]
    [InlineData("127.0.1.2", "Cellular", UpstreamType.Mobile)]
    [InlineData("127.0.1.3", "Corporate", UpstreamType.Datacenter)]
    [InlineData("127.0.1.4", "Satellite", UpstreamType.Residential)]
    public void Lookup_ConnectionTypeDatabase_MapsToUpstreamType(string ip, string connectionType, UpstreamType type)
    {
        using GeoIpLookup lookup = GeoIpLookup.Open(null, _databases.ConnectionTypeDb);

        GeoIpResult result = lookup.Lookup(ip);

        Assert.Equal(GeoIpLookupStatus.Found, result.ConnectionTypeStatus);
        Assert.Equal((connectionType, type), (result.ConnectionType, result.UpstreamType));
        Assert.Equal(GeoIpLookupStatus.NoDatabase, result.CountryStatus);
    }

    [Fact]
    public void Lookup_NoDatabases_SaysNoDatabase()
    {
        using GeoIpLookup lookup = GeoIpLookup.Open(GeoIpOptionsWith(null, null));

        GeoIpResult result = lookup.Lookup("81.2.69.160");

        Assert.Equal((GeoIpLookupStatus.NoDatabase, GeoIpLookupStatus.NoDatabase), (result.CountryStatus, result.ConnectionTypeStatus));
        Assert.False(lookup.HasCountryDatabase);
    }

    [Theory]
    [InlineData("not-an-ip")]
    [InlineData("81.2.69")]
    [InlineData("")]
    public void Lookup_InvalidAddress_SaysInvalidAddress(string text)
    {
        using GeoIpLookup lookup = GeoIpLookup.Open(_databases.CountryDb, _databases.ConnectionTypeDb);

        GeoIpResult result = lookup.Lookup(text);

        Assert.Equal((GeoIpLookupStatus.InvalidAddress, GeoIpLookupStatus.InvalidAddress), (result.CountryStatus, result.ConnectionTypeStatus));
        Assert.Equal(text, result.Query);
        Assert.Null(result.Address);
    }

    [Theory]
    [InlineData("81.2.69.160", true)]
    [InlineData(" 81.2.69.160 ", true)]
    [InlineData("::1", true)]
    [InlineData("2001:db8::1", true)]
    [InlineData("81.2.69", false)]
    [InlineData("1", false)]
    [InlineData("0x51.2.69.160", false)]
    [InlineData("81.2.69.256", false)]
    [InlineData("example.com", false)]
    public void TryParseAddress_OnlyFullAddresses(string text, bool valid) =>
        Assert.Equal(valid, GeoIpLookup.TryParseAddress(text, out _));

    [Fact]
    public void Open_ConnectionTypeDatabaseAsCountryDatabase_Throws()
    {
        var exception = Assert.Throws<GeoIpDatabaseException>(() => GeoIpLookup.Open(_databases.ConnectionTypeDb, null));

        Assert.Contains("'GeoIP2-Connection-Type' database, not a Country or City database", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_CountryDatabaseAsConnectionTypeDatabase_Throws()
    {
        var exception = Assert.Throws<GeoIpDatabaseException>(() => GeoIpLookup.Open(null, _databases.CityDb));

        Assert.Contains("not a Connection-Type database", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_MissingOrInvalidFile_Throws()
    {
        string notADatabase = Path.Combine(_databases.Directory, "plain.txt");
        File.WriteAllText(notADatabase, "hello");

        Assert.Contains("does not exist", Assert.Throws<GeoIpDatabaseException>(() => GeoIpLookup.Open(Path.Combine(_databases.Directory, "none.mmdb"), null)).Message, StringComparison.Ordinal);
        Assert.Contains("not a readable MaxMind database", Assert.Throws<GeoIpDatabaseException>(() => GeoIpLookup.Open(notADatabase, null)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lookup_ManyThreads_GiveConsistentAnswers()
    {
        using GeoIpLookup lookup = GeoIpLookup.Open(_databases.CountryDb, _databases.ConnectionTypeDb);

        string[][] answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 500).Select(i => lookup.Lookup(i % 2 == 0 ? "81.2.69.7" : "127.0.1.2")).Select(r => $"{r.Country}|{r.ConnectionType}").ToArray())));

        Assert.All(answers.SelectMany(a => a.Select((answer, i) => (answer, i))), x =>
            Assert.Equal(x.i % 2 == 0 ? "GB|Cable/DSL" : "DE|Cellular", x.answer));
    }

    [Theory]
    [InlineData("Cable/DSL", UpstreamType.Residential)]
    [InlineData("Dialup", UpstreamType.Residential)]
    [InlineData("Satellite", UpstreamType.Residential)]
    [InlineData("Cellular", UpstreamType.Mobile)]
    [InlineData("Corporate", UpstreamType.Datacenter)]
    public void ToUpstreamType_KnownConnectionType_Maps(string connectionType, UpstreamType expected) =>
        Assert.Equal(expected, GeoIpConnectionTypes.ToUpstreamType(connectionType));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("cellular")]
    public void ToUpstreamType_Unknown_IsNull(string? connectionType) =>
        Assert.Null(GeoIpConnectionTypes.ToUpstreamType(connectionType));

    [Fact]
    public void Matches_IspDeclaredAndResidentialSeen_Agree()
    {
        Assert.True(GeoIpConnectionTypes.Matches(UpstreamType.Isp, UpstreamType.Residential));
        Assert.True(GeoIpConnectionTypes.Matches(UpstreamType.Mobile, UpstreamType.Mobile));
        Assert.False(GeoIpConnectionTypes.Matches(UpstreamType.Residential, UpstreamType.Datacenter));
    }

    private static GeoIpOptions GeoIpOptionsWith(string? countryDb, string? connectionTypeDb) =>
        new() { CountryDb = countryDb, ConnectionTypeDb = connectionTypeDb };
}
