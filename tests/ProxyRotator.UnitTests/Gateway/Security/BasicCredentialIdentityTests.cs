using System.Text;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.UnitTests.Gateway.Security;

public sealed class BasicCredentialIdentityTests
{
    [Theory]
    [InlineData("team_a-session-n1", "team_a-session-n2")]
    [InlineData("team_a", "team_a-country-de-session-x9-sesstime-30")]
    [InlineData("team_a-country-us", "team_a-country-gb")]
    public void SameAccountAndPassword_OnlyTargetingDiffers_True(string first, string second) =>
        Assert.True(BasicCredentialIdentity.SameAccountAndPassword(Basic(first, "pw:with-colon"), Basic(second, "pw:with-colon")));

    [Theory]
    [InlineData("team_a", "pw", "team_b", "pw")]
    [InlineData("team_a", "pw", "team_a", "pw2")]
    [InlineData("team_a", "pw", "team_ab", "pw")]
    [InlineData("team_a-session-1", "pw", "team_ab-session-1", "pw")]
    [InlineData("team_a", "pw", "team_a", "PW")]
    [InlineData("team", "a-pw", "team-a", "pw")]
    public void SameAccountAndPassword_AccountOrPasswordDiffers_False(string firstUser, string firstPassword, string secondUser, string secondPassword) =>
        Assert.False(BasicCredentialIdentity.SameAccountAndPassword(Basic(firstUser, firstPassword), Basic(secondUser, secondPassword)));

    [Fact]
    public void SameAccountAndPassword_SchemeCaseAndSpacesDiffer_True() =>
        Assert.True(BasicCredentialIdentity.SameAccountAndPassword(Basic("team_a", "pw"), "basic   " + Basic("team_a-session-2", "pw")["Basic ".Length..]));

    [Theory]
    [InlineData("Bearer dGVhbV9hOnB3")]
    [InlineData("Basic not*base64")]
    [InlineData("Basic dGVhbV9h")] // "team_a": no colon
    [InlineData("Basic OnB3")] // ":pw": no username
    [InlineData("Basic")]
    [InlineData("")]
    public void SameAccountAndPassword_EitherDoesNotDecode_False(string other)
    {
        Assert.False(BasicCredentialIdentity.SameAccountAndPassword(Basic("team_a", "pw"), other));
        Assert.False(BasicCredentialIdentity.SameAccountAndPassword(other, Basic("team_a", "pw")));
    }

    [Fact]
    public void SameAccountAndPassword_LongerThanTheFastPathTakes_False()
    {
        string password = new('p', 600);
        Assert.False(BasicCredentialIdentity.SameAccountAndPassword(Basic("team_a", password), Basic("team_a", password)));
    }

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));
}
