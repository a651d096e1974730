using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Targeting;

namespace ProxyRotator.UnitTests.Policy;

/// <summary>The username flags of issue 13 §5-6: <c>exclusive-on|off</c> and <c>banned-ID|IP|session</c>.</summary>
public sealed class UsernamePolicyFlagsTests
{
    private static readonly SessionOptions _sessions = new();

    private static TargetingParameters Parse(string username)
    {
        Assert.True(ProxyUsernameParser.TryParse(username, _sessions, out TargetingParameters? parameters, out TargetingError error), error.ToString());
        return parameters!;
    }

    private static TargetingError Fail(string username)
    {
        Assert.False(ProxyUsernameParser.TryParse(username, _sessions, out _, out TargetingError error));
        return error;
    }

    [Theory]
    [InlineData("team-exclusive-on", true)]
    [InlineData("team-EXCLUSIVE-On", true)]
    [InlineData("team-exclusive-off", false)]
    [InlineData("team-country-de", null)]
    public void TryParse_ExclusiveFlag_IsOnOffOrUnset(string username, bool? expected)
    {
        Assert.Equal(expected, Parse(username).Exclusive);
    }

    [Theory]
    [InlineData("team-banned-42", "42")]
    [InlineData("team-banned-198.51.100.7", "198.51.100.7")]
    [InlineData("team-banned-2001:db8::7", "2001:db8::7")]
    [InlineData("team-session-s1-banned-SESSION", "session")]
    public void TryParse_BannedFlag_NamesTheExit(string username, string expected)
    {
        Assert.Equal(expected, Parse(username).BannedExit);
    }

    [Theory]
    [InlineData("team-banned-session", "banned")]
    [InlineData("team-banned-exit7", "banned")]
    [InlineData("team-exclusive-yes", "exclusive")]
    [InlineData("team-banned-1-banned-2", "banned")]
    public void TryParse_BadFlag_NamesTheParameter(string username, string parameter)
    {
        Assert.Equal(parameter, Fail(username).Parameter);
    }
}
