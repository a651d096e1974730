using ProxyRotator.Core.Configuration;
using ProxyRotator.Providers.Parsing;
using ProxyRotator.Store.Sync;

namespace ProxyRotator.UnitTests.Providers;

public sealed class ProviderListParserBackconnectTests
{
    private static ProviderListParseResult Parse(string json) =>
        ProviderListParser.Parse(System.Text.Json.JsonDocument.Parse(json).RootElement, new ProviderOptions { Name = "acme", Url = "https://api.acme.example/" });

    [Fact]
    public void Parse_BackconnectEntry_KeepsDialectAndCountries()
    {
        ProviderListParseResult result = Parse(
            """[{"url": "http://USERNAME:PASSWORD@pr.oxylabs.io:7777", "kind": "backconnect", "dialect": "oxylabs", "countries": ["de", "UK"]}]""");

        DiscoveredUpstream upstream = Assert.Single(result.Upstreams);
        Assert.Equal(("oxylabs", "DE,GB"), (upstream.Backconnect!.DialectName, upstream.Backconnect.Countries.ToString()));
    }

    [Theory]
    [InlineData("""[{"url": "http://u:p@gw.example:1", "kind": "backconnect", "dialect": "nope"}]""")]
    [InlineData("""[{"url": "http://u:p@gw.example:1", "kind": "backconnect", "dialect": "oxylabs", "country": "DE"}]""")]
    [InlineData("""[{"url": "http://u:p@gw.example:1", "kind": "backconnect", "dialect": "brightdata"}]""")]
    public void Parse_MalformedBackconnectEntry_SkippedWithReason(string json)
    {
        ProviderListParseResult result = Parse(json);

        Assert.Empty(result.Upstreams);
        Assert.Single(result.Skipped);
    }
}
