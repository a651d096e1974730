using ProxyRotator.Core.Pool;

namespace ProxyRotator.UnitTests.Pool;

public sealed class CredentialMaskingTests
{
    [Theory]
    [InlineData("http://puser:provider-secret-tok@api.example/v1", "http://puser:***@api.example/v1")]
    [InlineData("https://tokenonly@api.example/v1?key=abc&x=1", "https://***@api.example/v1?key=***&x=***")]
    [InlineData("https://api.example/v1?api_key=abc", "https://api.example/v1?api_key=***")]
    [InlineData("https://api.example/v1", "https://api.example/v1")]
    public void MaskUrl_UserInfoAndQueryValues_Masked(string url, string expected) =>
        Assert.Equal(expected, CredentialMasking.MaskUrl(url));

    [Fact]
    public void Scrub_ShortPasswordInsideWords_Untouched() =>
        Assert.Equal("3 failed probes", CredentialMasking.Scrub("3 failed probes", "p"));

    [Theory]
    [InlineData("connect to socks5://bob:hunter2@127.0.3.3:1080 refused", "hunter2", "connect to socks5://bob:***@127.0.3.3:1080 refused")]
    [InlineData("proxy said: bad password hunter2.", "hunter2", "proxy said: bad password ***.")]
    [InlineData("password 'p' refused by probes", "p", "password '***' refused by probes")]
    [InlineData("user a%2Fb rejected", "a/b", "user *** rejected")]
    public void Scrub_CredentialComponents_Masked(string text, string password, string expected) =>
        Assert.Equal(expected, CredentialMasking.Scrub(text, password));

    [Fact]
    public void Scrub_NoPassword_StillMasksUrlUserInfo() =>
        Assert.Equal("GET http://u:***@host/ failed", CredentialMasking.Scrub("GET http://u:s@host/ failed", null));
}
