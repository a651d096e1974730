using System.Text.Json;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Providers.Parsing;
using ProxyRotator.Store.Sync;

namespace ProxyRotator.UnitTests.Providers;

public sealed class ProviderListParserTests
{
    private static ProviderListParseResult Parse(string json, Dictionary<string, string>? fieldMap = null)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return ProviderListParser.Parse(document.RootElement.Clone(), new ProviderOptions { Name = "acme", Url = "http://127.0.0.1/", FieldMap = fieldMap ?? [] });
    }

    [Fact]
    public void Parse_TopLevelArrayOfUrls_ReturnsEndpoints()
    {
        ProviderListParseResult result = Parse("""["http://u:p@198.51.100.1:8000", "socks5h://198.51.100.2:1080"]""");

        Assert.True(result.Succeeded);
        Assert.Equal(["http://198.51.100.1:8000", "socks5://198.51.100.2:1080"], result.Upstreams.Select(u => u.Endpoint.Address));
        Assert.Equal(("u", "p"), (result.Upstreams[0].Endpoint.Username, result.Upstreams[0].Endpoint.Password));
        Assert.Null(result.Upstreams[0].Type);
    }

    [Theory]
    [InlineData("proxies")]
    [InlineData("data")]
    public void Parse_WrappedList_FindsArray(string property)
    {
        ProviderListParseResult result = Parse($$"""{"{{property}}": [{"url": "http://198.51.100.1:8000", "type": "Mobile", "country": "de", "city": "New York"}], "page": 1}""");

        DiscoveredUpstream upstream = Assert.Single(result.Upstreams);
        Assert.Equal((UpstreamType.Mobile, "DE", "new_york"), (upstream.Type!.Value, upstream.Country, upstream.City));
    }

    [Fact]
    public void Parse_HostPortObjects_BuildsEndpointsWithCredentialsAndScheme()
    {
        ProviderListParseResult result = Parse("""
            [{"host": "198.51.100.3", "port": 3128, "username": "us er", "password": "p@ss:w"},
             {"host": "198.51.100.4", "port": "1080", "scheme": "socks5"},
             {"host": "2001:db8::1", "port": 8080}]
            """);

        Assert.Equal(3, result.Upstreams.Count);
        UpstreamEndpoint first = result.Upstreams[0].Endpoint;
        Assert.Equal((UpstreamScheme.Http, "198.51.100.3", 3128, "us er", "p@ss:w"), (first.Scheme, first.Host, first.Port, first.Username, first.Password));
        Assert.Equal(UpstreamScheme.Socks5, result.Upstreams[1].Endpoint.Scheme);
        Assert.Equal("http://[2001:db8::1]:8080", result.Upstreams[2].Endpoint.Address);
    }

    [Fact]
    public void Parse_FieldMapWithDottedPath_RenamesFields()
    {
        ProviderListParseResult result = Parse(
            """{"data": [{"ip": "198.51.100.5", "p": 9000, "geo": {"cc": "fr"}, "kind": "isp"}]}""",
            new Dictionary<string, string> { ["host"] = "ip", ["port"] = "p", ["country"] = "geo.cc", ["type"] = "kind" });

        DiscoveredUpstream upstream = Assert.Single(result.Upstreams);
        Assert.Equal(("http://198.51.100.5:9000", "FR", UpstreamType.Isp), (upstream.Endpoint.Address, upstream.Country, upstream.Type!.Value));
    }

    [Fact]
    public void Parse_UrlWithSeparateCredentials_MergesThem()
    {
        ProviderListParseResult result = Parse("""[{"url": "http://198.51.100.6:8000", "username": "alice", "password": "s3cret"}]""");

        UpstreamEndpoint endpoint = Assert.Single(result.Upstreams).Endpoint;
        Assert.Equal(("alice", "s3cret"), (endpoint.Username, endpoint.Password));
    }

    [Fact]
    public void Parse_CountryAliasAndCitySpelling_NormalisedLikeTheUsername()
    {
        ProviderListParseResult result = Parse("""
            [{"url": "http://198.51.100.1:8000", "country": "UK", "city": "São Paulo"},
             {"url": "http://198.51.100.2:8000", "country": " gb ", "city": "Winston-Salem"},
             {"url": "http://198.51.100.3:8000", "country": "xk"}]
            """);

        Assert.Equal(
            [("GB", "sao_paulo"), ("GB", "winston_salem"), ("XK", null)],
            result.Upstreams.Select(u => (u.Country, u.City)));
    }

    [Theory]
    [InlineData("""{"url": "http://198.51.100.1:8000", "country": "XX"}""", "'XX' is not an ISO")]
    [InlineData("""{"url": "http://198.51.100.1:8000", "city": "Berlin!"}""", "not a city name")]
    public void Parse_UnnormalisableCountryOrCity_SkipsTheEntry(string entry, string message)
    {
        ProviderListParseResult result = Parse($"[{{\"url\": \"http://198.51.100.9:80\"}}, {entry}]");

        Assert.Single(result.Upstreams);
        Assert.Contains(message, Assert.Single(result.Skipped), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SomeInvalidEntries_SkipsAndNamesThem()
    {
        ProviderListParseResult result = Parse("""
            [{"url": "http://198.51.100.1:8000"},
             {"url": "ftp://198.51.100.2:21"},
             {"host": "198.51.100.3", "port": 70000},
             {"host": "198.51.100.4", "port": 80, "country": "Germany"},
             {"host": "198.51.100.5", "port": 80, "type": "satellite"},
             {"port": 80},
             42]
            """);

        Assert.True(result.Succeeded);
        Assert.Single(result.Upstreams);
        Assert.Equal(6, result.Skipped.Count);
        Assert.StartsWith("[1]: unknown scheme 'ftp'", result.Skipped[0], StringComparison.Ordinal);
        Assert.Contains("port", result.Skipped[1], StringComparison.Ordinal);
        Assert.Contains("'Germany' is not an ISO", result.Skipped[2], StringComparison.Ordinal);
        Assert.Contains("unknown type 'satellite'", result.Skipped[3], StringComparison.Ordinal);
        Assert.Contains("neither url nor host", result.Skipped[4], StringComparison.Ordinal);
        Assert.Contains("got number", result.Skipped[5], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"error": "rate limited"}""", "expected a JSON array or an object")]
    [InlineData("\"hello\"", "got string")]
    [InlineData("[]", "listed no proxies")]
    [InlineData("""{"proxies": []}""", "listed no proxies")]
    [InlineData("""[{"nope": 1}, {"url": "bogus"}]""", "none of the 2 entries is usable")]
    public void Parse_UnusableAnswer_FailsAsAWhole(string json, string expected)
    {
        ProviderListParseResult result = Parse(json);

        Assert.False(result.Succeeded);
        Assert.Empty(result.Upstreams);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownFieldInFieldMap_Fails()
    {
        ProviderListParseResult result = Parse("""["http://198.51.100.1:8000"]""", new Dictionary<string, string> { ["hostname"] = "h" });

        Assert.False(result.Succeeded);
        Assert.Contains("fieldMap: unknown field 'hostname'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SkippedEntryWithPassword_DoesNotQuoteThePassword()
    {
        ProviderListParseResult result = Parse("""["http://198.51.100.1:8000", "htp://user:TopSecret99@198.51.100.2:80"]""");

        string skipped = Assert.Single(result.Skipped);
        Assert.DoesNotContain("TopSecret99", skipped, StringComparison.Ordinal);
    }
}
