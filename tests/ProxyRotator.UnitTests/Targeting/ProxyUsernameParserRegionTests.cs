using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Targeting;

namespace ProxyRotator.UnitTests.Targeting;

/// <summary>The <c>state</c>/<c>st</c> and <c>asn</c> keys.</summary>
public sealed class ProxyUsernameParserRegionTests
{
    private static readonly SessionOptions _sessions = new() { DefaultTtl = TimeSpan.FromMinutes(10), MaxTtl = TimeSpan.FromHours(24) };

    private static TargetingParameters Parse(string username)
    {
        Assert.True(ProxyUsernameParser.TryParse(username, _sessions, out TargetingParameters? parameters, out TargetingError error), error.ToString());
        return parameters!;
    }

    private static TargetingError Fail(string username)
    {
        Assert.False(ProxyUsernameParser.TryParse(username, _sessions, out TargetingParameters? parameters, out TargetingError error));
        Assert.Null(parameters);
        return error;
    }

    [Theory]
    [InlineData("u-state-ny", "ny")]
    [InlineData("u-st-NY", "ny")]
    [InlineData("u-State-New_York", "new_york")]
    public void TryParse_State_StoredLowerCase(string username, string expected) => Assert.Equal(expected, Parse(username).State);

    [Theory]
    [InlineData("u-asn-56386", 56386u)]
    [InlineData("u-ASN-1", 1u)]
    [InlineData("u-asn-4294967295", 4294967295u)]
    public void TryParse_Asn_Parsed(string username, uint expected) => Assert.Equal(expected, Parse(username).Asn);

    [Fact]
    public void TryParse_NoStateOrAsn_BothNull()
    {
        TargetingParameters p = Parse("u-country-us");

        Assert.Null(p.State);
        Assert.Null(p.Asn);
    }

    [Theory]
    [InlineData("u-state-n")]
    [InlineData("u-state-new1york")]
    [InlineData("u-st-a.b")]
    public void TryParse_MalformedState_RefusedNamingState(string username) => Assert.Equal("state", Fail(username).Parameter);

    [Theory]
    [InlineData("u-asn-0")]
    [InlineData("u-asn-4294967296")]
    [InlineData("u-asn-AS123")]
    [InlineData("u-asn-12a")]
    [InlineData("u-asn-99999999999")]
    public void TryParse_MalformedAsn_RefusedNamingAsn(string username) => Assert.Equal("asn", Fail(username).Parameter);

    [Theory]
    [InlineData("u-state-ny-st-ca", "state")]
    [InlineData("u-asn-1-asn-2", "asn")]
    public void TryParse_RegionKeyTwice_Refused(string username, string parameter)
    {
        TargetingError error = Fail(username);

        Assert.Equal(parameter, error.Parameter);
        Assert.Contains("more than once", error.Message, StringComparison.Ordinal);
    }
}
