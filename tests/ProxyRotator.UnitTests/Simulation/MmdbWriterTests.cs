using System.Net;
using MaxMind.Db;
using MaxMind.GeoIP2;
using MaxMind.GeoIP2.Exceptions;
using MaxMind.GeoIP2.Responses;
using ProxyRotator.Simulation.GeoIp;

namespace ProxyRotator.UnitTests.Simulation;

public sealed class MmdbWriterTests
{
    private static DatabaseReader Open(MmdbWriter writer) => new(new MemoryStream(writer.ToArray()));

    [Fact]
    public void Country_NonLoopbackNetwork_ReadsBackIsoCodeAndName()
    {
        var writer = new MmdbWriter(GeoIpRecords.CountryDatabaseType).Insert("81.2.69.0/24", GeoIpRecords.Country("gb"));

        using DatabaseReader reader = Open(writer);
        CountryResponse response = reader.Country("81.2.69.160");

        Assert.Equal("GB", response.Country.IsoCode);
        Assert.Equal("United Kingdom", response.Country.Name);
        Assert.Equal("GB", response.RegisteredCountry.IsoCode);
    }

    [Fact]
    public void Country_LoopbackRange_FoundInsideAndNotFoundOutside()
    {
        var writer = new MmdbWriter(GeoIpRecords.CountryDatabaseType).Insert("127.0.1.0/28", GeoIpRecords.Country("DE"));

        using DatabaseReader reader = Open(writer);

        Assert.Equal("DE", reader.Country("127.0.1.0").Country.IsoCode);
        Assert.Equal("DE", reader.Country("127.0.1.15").Country.IsoCode);
        Assert.False(reader.TryCountry("127.0.1.16", out CountryResponse? outside));
        Assert.Null(outside);
        Assert.Throws<AddressNotFoundException>(() => reader.Country("10.0.0.1"));
    }

    [Fact]
    public void Insert_MoreSpecificNetworkFirst_StillWinsOverBroaderOne()
    {
        var writer = new MmdbWriter(GeoIpRecords.CountryDatabaseType)
            .Insert("127.0.1.7", GeoIpRecords.Country("FR"))
            .Insert("127.0.1.0/24", GeoIpRecords.Country("US"));

        using DatabaseReader reader = Open(writer);

        Assert.Equal("FR", reader.Country("127.0.1.7").Country.IsoCode);
        Assert.Equal("US", reader.Country("127.0.1.6").Country.IsoCode);
        Assert.Equal("US", reader.Country("127.0.1.8").Country.IsoCode);
    }

    [Fact]
    public void Insert_SameNetworkTwice_LaterInsertWins()
    {
        var writer = new MmdbWriter(GeoIpRecords.CountryDatabaseType)
            .Insert("127.0.1.0/28", GeoIpRecords.Country("US"))
            .Insert("127.0.1.0/28", GeoIpRecords.Country("BR"));

        using DatabaseReader reader = Open(writer);

        Assert.Equal("BR", reader.Country("127.0.1.3").Country.IsoCode);
    }

    [Fact]
    public void City_ReadsCityAndCountry()
    {
        var writer = new MmdbWriter(GeoIpRecords.CityDatabaseType).Insert("127.0.2.0/24", GeoIpRecords.City("JP", "Tokyo"));

        using DatabaseReader reader = Open(writer);
        CityResponse response = reader.City("127.0.2.200");

        Assert.Equal("Tokyo", response.City.Name);
        Assert.Equal("JP", response.Country.IsoCode);
        Assert.False(reader.TryCity("127.0.3.1", out _));
    }

    [Theory]
    [InlineData(GeoIpRecords.CableDsl)]
    [InlineData(GeoIpRecords.Cellular)]
    [InlineData(GeoIpRecords.Corporate)]
    [InlineData(GeoIpRecords.Satellite)]
    public void ConnectionType_ReadsEachKind(string connectionType)
    {
        var writer = new MmdbWriter(GeoIpRecords.ConnectionTypeDatabaseType)
            .Insert("127.0.1.0/28", GeoIpRecords.ConnectionType(connectionType))
            .Insert("127.0.1.16/28", GeoIpRecords.ConnectionType("Other"));

        using DatabaseReader reader = Open(writer);

        Assert.Equal(connectionType, reader.ConnectionType("127.0.1.9").ConnectionType);
        Assert.Equal("Other", reader.ConnectionType("127.0.1.17").ConnectionType);
        Assert.False(reader.TryConnectionType("127.0.1.40", out _));
    }

    [Fact]
    public void Ipv6Network_FoundAndIpv4SpaceUnaffected()
    {
        var writer = new MmdbWriter(GeoIpRecords.CountryDatabaseType)
            .Insert("2001:db8::/32", GeoIpRecords.Country("NL"))
            .Insert("81.2.69.0/24", GeoIpRecords.Country("GB"));

        using DatabaseReader reader = Open(writer);

        Assert.Equal("NL", reader.Country("2001:db8::1").Country.IsoCode);
        Assert.Equal("GB", reader.Country("81.2.69.1").Country.IsoCode);
        Assert.False(reader.TryCountry("2001:db9::1", out _));
    }

    [Theory]
    [InlineData(24)]
    [InlineData(28)]
    [InlineData(32)]
    public void RecordSize_Each_ReadsBackWithMetadata(int recordSize)
    {
        var writer = new MmdbWriter(GeoIpRecords.CountryDatabaseType) { RecordSize = recordSize, BuildTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000) };
        writer.Insert("127.0.1.0/28", GeoIpRecords.Country("DE")).Insert("81.2.69.0/24", GeoIpRecords.Country("GB"));

        using var reader = new Reader(new MemoryStream(writer.ToArray()));
        using DatabaseReader geo = Open(writer);

        Assert.Equal(6, reader.Metadata.IPVersion);
        Assert.Equal("GeoLite2-Country", reader.Metadata.DatabaseType);
        Assert.Equal(["en"], reader.Metadata.Languages);
        Assert.Equal(2, reader.Metadata.BinaryFormatMajorVersion);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000).UtcDateTime, reader.Metadata.BuildDate);
        Assert.Equal("DE", geo.Country("127.0.1.1").Country.IsoCode);
        Assert.Equal("GB", geo.Country("81.2.69.160").Country.IsoCode);
        Assert.False(geo.TryCountry("81.2.70.1", out _));
    }

    [Fact]
    public void RecordSize_TreeGrowsByHalfABytePerRecordStep()
    {
        int Length(int size) => new MmdbWriter("Test") { RecordSize = size }.Insert("127.0.1.0/28", GeoIpRecords.Country("DE")).ToArray().Length;

        int l24 = Length(24), l28 = Length(28), l32 = Length(32);

        // Each node holds two records: +4 bits each is one byte per node, +8 bits each two bytes per node.
        Assert.True(l28 > l24);
        Assert.Equal(2 * (l28 - l24), l32 - l24);
    }

    [Fact]
    public void ManyNetworks_EachLookupFindsItsOwnRecord()
    {
        var writer = new MmdbWriter("Test-Many");
        for (int i = 0; i < 3000; i++)
        {
            writer.Insert($"10.{i / 256}.{i % 256}.0/24", new Dictionary<string, object> { ["n"] = (uint)i });
        }

        using var reader = new Reader(new MemoryStream(writer.ToArray()));

        foreach (int i in new[] { 0, 1, 255, 256, 1234, 2999 })
        {
            var record = reader.Find<Dictionary<string, object>>(IPAddress.Parse($"10.{i / 256}.{i % 256}.77"));
            Assert.Equal((long)i, Convert.ToInt64(record!["n"], System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Null(reader.Find<Dictionary<string, object>>(IPAddress.Parse("10.11.184.1")));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(28)]
    [InlineData(29)]
    [InlineData(284)]
    [InlineData(285)]
    [InlineData(65_820)]
    [InlineData(65_821)]
    [InlineData(70_000)]
    public void StringLengths_AcrossSizeEncodingBoundaries_RoundTrip(int length)
    {
        string text = new('x', length);
        var writer = new MmdbWriter("Test-Strings").Insert("127.0.0.0/8", new Dictionary<string, object>
        {
            ["text"] = text,
            ["flag"] = true,
            ["small"] = (ushort)7,
            ["negative"] = -5,
            ["big"] = ulong.MaxValue,
            ["ratio"] = 0.25,
            ["list"] = new object[] { "a", (uint)2 },
        });

        using var reader = new Reader(new MemoryStream(writer.ToArray()));
        var record = reader.Find<Dictionary<string, object>>(IPAddress.Parse("127.1.2.3"))!;

        Assert.Equal(text, record["text"]);
        Assert.Equal(true, record["flag"]);
        Assert.Equal(-5, Convert.ToInt32(record["negative"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ulong.MaxValue, Convert.ToUInt64(record["big"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0.25, record["ratio"]);
        Assert.Equal(2, ((System.Collections.IList)record["list"]).Count);
    }

    [Fact]
    public void WriteTo_File_ReadableByPathAndReplacedAtomically()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mmdb-{Guid.NewGuid():N}.mmdb");
        try
        {
            new MmdbWriter(GeoIpRecords.CountryDatabaseType).Insert("127.0.1.0/28", GeoIpRecords.Country("US")).WriteTo(path);
            new MmdbWriter(GeoIpRecords.CountryDatabaseType).Insert("127.0.1.0/28", GeoIpRecords.Country("DE")).WriteTo(path);

            using var reader = new DatabaseReader(path);

            Assert.Equal("DE", reader.Country("127.0.1.2").Country.IsoCode);
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("127.0.1.0/0")]
    [InlineData("127.0.1.0/33")]
    [InlineData("::/129")]
    public void Insert_BadPrefix_Throws(string network) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new MmdbWriter("Test").Insert(network, GeoIpRecords.Country("US")));
}
