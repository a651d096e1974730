using System.Text.Json;
using ProxyRotator.UnitTests.GeoIp;

namespace ProxyRotator.UnitTests.Cli;

public sealed class GeoIpLookupCommandTests : IDisposable
{
    private readonly GeoIpTestDatabases _databases = new();

    public void Dispose() => _databases.Dispose();

    [Fact]
    public async Task Lookup_CountryDatabase_PrintsTheCountry()
    {
        CliRun run = await CliRun.RunAsync("geoip", "lookup", "81.2.69.160", "--country-db", _databases.CountryDb);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("country:          GB (United Kingdom)", run.Output, StringComparison.Ordinal);
        Assert.Contains("network:          81.2.69.0/24", run.Output, StringComparison.Ordinal);
        Assert.Contains("connection type:  no database", run.Output, StringComparison.Ordinal);
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task Lookup_CityAndConnectionTypeDatabases_PrintsCityAndType()
    {
        CliRun run = await CliRun.RunAsync("geoip", "lookup", "81.2.69.160", "--country-db", _databases.CityDb, "--connection-type-db", _databases.ConnectionTypeDb);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("city:             london", run.Output, StringComparison.Ordinal);
        Assert.Contains("connection type:  Cable/DSL (residential)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lookup_NotInDatabase_SaysNotFound()
    {
        CliRun run = await CliRun.RunAsync("geoip", "lookup", "192.0.2.1", "--country-db", _databases.CountryDb);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("country:          not found in the GeoLite2-Country database", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lookup_Json_GivesStatusesAndValues()
    {
        CliRun run = await CliRun.RunAsync("geoip", "lookup", "127.0.1.2", "--country-db", _databases.CountryDb, "--connection-type-db", _databases.ConnectionTypeDb, "--json");

        Assert.Equal(0, run.ExitCode);
        using JsonDocument json = JsonDocument.Parse(run.Output);
        JsonElement root = json.RootElement;
        Assert.Equal("127.0.1.2", root.GetProperty("ip").GetString());
        Assert.Equal("found", root.GetProperty("country").GetProperty("status").GetString());
        Assert.Equal("DE", root.GetProperty("country").GetProperty("isoCode").GetString());
        Assert.Equal("Cellular", root.GetProperty("connectionType").GetProperty("value").GetString());
        Assert.Equal("mobile", root.GetProperty("connectionType").GetProperty("upstreamType").GetString());
    }

    [Fact]
    public async Task Lookup_DatabasesFromConfig_AreUsed()
    {
        using var directory = new TemporaryDirectory();
        File.Copy(_databases.CountryDb, Path.Combine(directory.Path, "country.mmdb"));
        string config = directory.Write("pools.json", """{ "admin": { "apiKey": "0123456789abcdef" }, "geoip": { "countryDb": "country.mmdb" } }""");

        CliRun run = await CliRun.RunAsync("geoip", "lookup", "81.2.69.160", "--config", config, "--json");

        Assert.Equal(0, run.ExitCode);
        using JsonDocument json = JsonDocument.Parse(run.Output);
        Assert.Equal("GB", json.RootElement.GetProperty("country").GetProperty("isoCode").GetString());
        Assert.Equal("no-database", json.RootElement.GetProperty("connectionType").GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("--json")]
    [InlineData("--country-db", "")]
    public async Task Lookup_NoDatabase_ExitsTwoSayingHowToGiveOne(params string[] extra)
    {
        CliRun run = await CliRun.RunAsync(["geoip", "lookup", "81.2.69.160", .. extra]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Output);
        Assert.Contains("no GeoIP database: pass --country-db FILE", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lookup_InvalidAddress_ExitsTwo()
    {
        CliRun run = await CliRun.RunAsync("geoip", "lookup", "81.2.69", "--country-db", _databases.CountryDb);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'81.2.69' is not an IP address", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lookup_WrongKindOfDatabase_ExitsTwo()
    {
        CliRun run = await CliRun.RunAsync("geoip", "lookup", "81.2.69.160", "--country-db", _databases.ConnectionTypeDb);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("not a Country or City database", run.Error, StringComparison.Ordinal);
    }
}
