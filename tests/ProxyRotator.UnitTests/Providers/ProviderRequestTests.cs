using ProxyRotator.Core.Configuration;
using ProxyRotator.Providers.Api;

namespace ProxyRotator.UnitTests.Providers;

public sealed class ProviderRequestTests
{
    [Fact]
    public void From_UrlWithQueryAndKey_SplitsBaseQueryAndHeaders()
    {
        var options = new ProviderOptions
        {
            Name = "acme",
            Url = "https://api.acme.example/v1/proxies?format=json&country=de%20x",
            ApiKey = "k-123",
            Headers = new Dictionary<string, string> { ["X-Account"] = "42" },
        };

        ProviderRequest request = ProviderRequest.From(options);

        Assert.Equal("https://api.acme.example/v1/proxies", request.BaseAddress.ToString());
        Assert.Equal(new Dictionary<string, string> { ["format"] = "json", ["country"] = "de x" }, request.Query);
        Assert.Equal("Bearer k-123", request.Headers["Authorization"]);
        Assert.Equal("k-123", request.Headers["X-Api-Key"]);
        Assert.Equal("42", request.Headers["X-Account"]);
        Assert.DoesNotContain("k-123", request.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void From_ConfiguredAuthorizationHeader_WinsOverKey()
    {
        var options = new ProviderOptions
        {
            Name = "acme",
            Url = "http://127.0.0.1:9/list",
            ApiKey = "k",
            Headers = new Dictionary<string, string> { ["authorization"] = "Token abc" },
        };

        ProviderRequest request = ProviderRequest.From(options);

        Assert.Equal("Token abc", request.Headers["Authorization"]);
        Assert.Empty(request.Query);
    }

    [Fact]
    public void From_NoKey_SendsNoAuthHeaders()
    {
        ProviderRequest request = ProviderRequest.From(new ProviderOptions { Name = "open", Url = "http://127.0.0.1:9/list" });

        Assert.Empty(request.Headers);
    }
}
