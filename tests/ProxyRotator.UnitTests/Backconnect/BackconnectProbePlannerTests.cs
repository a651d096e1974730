using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health.Probing;

namespace ProxyRotator.UnitTests.Backconnect;

public sealed class BackconnectProbePlannerTests
{
    [Fact]
    public void Sample_ConsecutivePasses_RotateThroughEveryListedCountry()
    {
        CountryCoverage coverage = CountryCoverage.Of(["US", "DE", "FR", "BR", "JP"]);
        var seen = new HashSet<string>();

        for (long pass = 1; pass <= 3; pass++)
        {
            IReadOnlyList<string> sample = BackconnectProbePlanner.Sample(coverage, pass);
            Assert.Equal(BackconnectProbePlanner.CountriesPerPass, sample.Count);
            seen.UnionWith(sample);
        }

        Assert.Equal(5, seen.Count);
    }

    [Fact]
    public void Endpoint_CountryProbe_CarriesTheDialectsCredentials()
    {
        var backconnect = new BackconnectUpstream { DialectName = "oxylabs", Dialect = new OxylabsDialect(), Countries = CountryCoverage.All };
        var endpoint = new UpstreamEndpoint(UpstreamScheme.Http, "pr.oxylabs.io", 7777, "USERNAME", "PASSWORD");

        UpstreamEndpoint? baseProbe = BackconnectProbePlanner.BaseEndpoint(endpoint, UpstreamType.Residential, backconnect);
        UpstreamEndpoint? germany = BackconnectProbePlanner.Endpoint(endpoint, UpstreamType.Residential, backconnect, "DE");

        Assert.Equal("customer-USERNAME", baseProbe!.Username);
        Assert.Equal("customer-USERNAME-cc-DE", germany!.Username);
        Assert.Equal("PASSWORD", germany.Password);
    }
}
