using ProxyRotator.Simulation.Backconnect;

namespace ProxyRotator.UnitTests.Simulation;

/// <summary>The simulated vendors read the documented syntax, independently of our dialects, and refuse the rest.</summary>
public sealed class SimulatedVendorGrammarTests
{
    private static SimulatedVendorRequest Parse(ISimulatedVendorGrammar grammar, string username, string password)
    {
        Assert.True(grammar.TryParse(username, password, out SimulatedVendorRequest? request, out SimulatedVendorRejection? rejection), rejection?.Detail);
        return request!;
    }

    private static SimulatedVendorRejection Refuse(ISimulatedVendorGrammar grammar, string? username, string? password)
    {
        Assert.False(grammar.TryParse(username, password, out SimulatedVendorRequest? request, out SimulatedVendorRejection? rejection));
        Assert.Null(request);
        return rejection!;
    }

    [Fact]
    public void BrightData_DocumentedOptions_Read()
    {
        SimulatedVendorRequest request = Parse(new BrightDataGrammar(), "brd-customer-hl_1234abcd-zone-res1-country-us-state-ny-city-newyork-asn-7922-session-abc1-const", "zonepass");

        Assert.Equal(("US", "ny", "newyork", 7922u, "abc1", true), (request.Country, request.State, request.City, request.Asn, request.SessionId, request.Strict));
        Assert.Equal(TimeSpan.FromSeconds(60), request.IdleTimeout);
    }

    [Theory]
    [InlineData("brd-customer-hl_1234abcd-zone-res1-state-ny", "zonepass")]
    [InlineData("brd-customer-hl_1234abcd-zone-res1-city-san_francisco", "zonepass")]
    [InlineData("brd-customer-hl_1234abcd-zone-res1-const", "zonepass")]
    [InlineData("brd-customer-hl_1234abcd-zone-res1-country-us", "wrong")]
    [InlineData("brd-customer-hl_1234abcd-zone-res1x", "zonepass")]
    public void BrightData_Malformed_Refused407WithBrdError(string username, string password)
    {
        SimulatedVendorRejection rejection = Refuse(new BrightDataGrammar(), username, password);

        Assert.Equal((407, "X-Brd-Error"), (rejection.Status, rejection.HeaderName));
        Assert.Contains("Proxy-Authenticate", rejection.HeaderLines, StringComparison.Ordinal);
    }

    [Fact]
    public void Oxylabs_DocumentedParameters_Read()
    {
        SimulatedVendorRequest request = Parse(new OxylabsGrammar(), "customer-USERNAME-cc-US-st-us_california-city-los_angeles-sessid-abcd1234-sesstime-30", "PASSWORD");

        Assert.Equal(("US", "california", "los_angeles", "abcd1234"), (request.Country, request.State, request.City, request.SessionId));
        Assert.Equal(TimeSpan.FromMinutes(30), request.SessionTtl);
    }

    [Theory]
    [InlineData("customer-USERNAME-sesstime-1441-sessid-a")]
    [InlineData("customer-USERNAME-sesstime-30")]
    [InlineData("customer-USERNAME-asn-1")]
    [InlineData("customer-USERNAME-cc")]
    public void Oxylabs_Malformed_Refused(string username) =>
        Assert.Equal("X-Oxylabs-Error", Refuse(new OxylabsGrammar(), username, "PASSWORD").HeaderName);

    [Fact]
    public void Decodo_QuotedExample_Read()
    {
        SimulatedVendorRequest request = Parse(new DecodoGrammar(), "user-USERNAME-country-us-sessionduration-30-session-abc123", "PASSWORD");

        Assert.Equal(("US", "abc123", TimeSpan.FromMinutes(30)), (request.Country, request.SessionId, request.SessionTtl));
    }

    [Fact]
    public void IpRoyal_DocumentedPassword_Read()
    {
        SimulatedVendorRequest request = Parse(new IpRoyalGrammar(), "username", "password_country-br_session-sgn34f3e_lifetime-10m");

        Assert.Equal(("BR", "sgn34f3e", TimeSpan.FromMinutes(10)), (request.Country, request.SessionId, request.SessionTtl));
    }

    [Theory]
    [InlineData("password_session-sgn34f3")]
    [InlineData("password_session-sgn34f3e_lifetime-8d")]
    [InlineData("password_session-sgn34f3e_lifetime-10")]
    [InlineData("password_country-de_state-bavaria")]
    [InlineData("password_lifetime-10m")]
    public void IpRoyal_Malformed_Refused(string password) =>
        Assert.Equal("X-IPRoyal-Error", Refuse(new IpRoyalGrammar(), "username", password).HeaderName);

    [Fact]
    public void Soax_DocumentedRules_Read()
    {
        SimulatedVendorRequest request = Parse(new SoaxGrammar(), "country-us-sessionid-abc-bind-node", "pk_live_7Hq2");

        Assert.Equal(("US", "abc", true), (request.Country, request.SessionId, request.Strict));
    }

    [Theory]
    [InlineData("")]
    [InlineData("country-us-bind-node-rotate-timed_60")]
    [InlineData("country-us-region-ny")]
    public void Soax_Malformed_RefusedWithSoaxError(string rules) =>
        Assert.Equal("X-SOAX-Error", Refuse(new SoaxGrammar(), rules, "pk_live_7Hq2").HeaderName);

    [Fact]
    public async Task ExitNetworks_EveryExitAddressInItsCountrysNetwork()
    {
        await using SimulatedBackconnectGateway gateway = SimulatedBackconnectGateway.Start(new SimulatedBackconnectGatewayOptions
        {
            Grammar = new SoaxGrammar(),
            ListenAddress = System.Net.IPAddress.Parse("127.0.20.9"),
            ExitNetwork = 29,
            Countries = ["US", "DE"],
            ExitsPerCountry = 3,
        });

        var networks = gateway.ExitNetworks().ToList();

        Assert.Equal(["127.29.1.0/24 US", "127.29.2.0/24 DE"], networks.Select(n => $"{n.Network}/{n.PrefixLength} {n.Country}"));
        Assert.Equal("127.29.2.3", gateway.ExitAddress("DE", 3).ToString());
        Assert.Equal("DE", gateway.CountryOfExit(gateway.ExitAddress("DE", 3)));
        Assert.Null(gateway.CountryOfExit(System.Net.IPAddress.Parse("127.29.2.4")));
        Assert.Null(gateway.CountryOfExit(System.Net.IPAddress.Parse("127.0.1.1")));
    }
}
