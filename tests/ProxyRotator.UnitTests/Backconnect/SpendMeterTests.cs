using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.UnitTests.Backconnect;

public sealed class SpendMeterTests
{
    private static UpstreamProxy Upstream(string pool, UpstreamCost? cost, bool backconnect) => new()
    {
        Id = 1,
        PoolName = pool,
        Endpoint = new UpstreamEndpoint(UpstreamScheme.Http, "127.0.0.1", 8000, "u", "p"),
        Type = UpstreamType.Residential,
        Status = UpstreamStatus.Active,
        Cost = cost,
        Backconnect = backconnect ? new BackconnectUpstream { DialectName = "brightdata", Dialect = new BrightDataDialect(), Countries = CountryCoverage.All } : null,
    };

    [Fact]
    public void Record_PerGbAndPerRequest_SpendPerAccountAndProvider()
    {
        var sut = new SpendMeter();
        UpstreamProxy brightdata = Upstream("res", new UpstreamCost(PerGb: 8m, PerRequest: 0.001m), backconnect: true);
        UpstreamProxy free = Upstream("dc", null, backconnect: false);

        sut.Record("alice", brightdata, 500_000_000); // half a GB: 4 + 0.001
        sut.Record("alice", free, 1_000);
        sut.Record("bob", brightdata, 0);

        SpendCounters alice = sut.Accounts.Single(a => a.Key == "alice").Value;
        Assert.Equal(4.001m, alice.Spend);
        Assert.Equal((2L, 500_001_000L, 1L), (alice.Requests, alice.Bytes, alice.PricedRequests));
        Assert.Equal(0.001m, sut.Accounts.Single(a => a.Key == "bob").Value.Spend);
        Assert.Equal(4.002m, sut.Providers.Single(p => p.Key == ("brightdata", "res")).Value.Spend);
        Assert.Equal(0m, sut.Providers.Single(p => p.Key == (SpendMeter.StaticProvider, "dc")).Value.Spend);
    }

    [Fact]
    public void ReferenceRequestCost_PutsPerGbAndPerRequestOnOneScale()
    {
        Assert.Equal(0.004m, new UpstreamCost(PerGb: 4m, PerRequest: null).ReferenceRequestCost);
        Assert.Equal(0.009m, new UpstreamCost(PerGb: 8m, PerRequest: 0.001m).ReferenceRequestCost);
        Assert.True(new UpstreamCost(null, 0.002m).ReferenceRequestCost < new UpstreamCost(3m, null).ReferenceRequestCost);
    }
}
