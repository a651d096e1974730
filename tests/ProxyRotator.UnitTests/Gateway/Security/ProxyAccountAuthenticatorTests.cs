using System.Text;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Gateway.Pipeline;
using ProxyRotator.Gateway.Routing;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.UnitTests.Gateway.Security;

public sealed class ProxyAccountAuthenticatorTests
{
    private static ProxyAccountAuthenticator CreateSut() => new(
        [
            new UserOptions { Name = "scraper", Password = "s3cret:with:colons", Pools = ["*"] },
            new UserOptions { Name = "limited", Password = "pässword", Pools = ["eu", "dc"] },
        ],
        new SessionOptions());

    private static string Basic(string credentials) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));

    [Fact]
    public void TryAuthenticate_RightPassword_ParametersAndAccess()
    {
        Assert.True(CreateSut().TryAuthenticate("scraper-country-de", "s3cret:with:colons", out TargetingParameters? p, out PoolAccess? access, out AuthenticationFailure failure));

        Assert.Equal("scraper", p!.Account);
        Assert.Equal("DE", p.Country);
        Assert.Same(PoolAccess.All, access);
        Assert.Equal(AuthenticationFailureKind.None, failure.Kind);
    }

    [Fact]
    public void TryParseBasic_KnownCredentialTwice_ReusesTheParsedTargeting()
    {
        ProxyAccountAuthenticator sut = CreateSut();
        string header = Basic("scraper-country-de-session-s1:s3cret:with:colons");

        Assert.True(sut.TryParseBasic(header, out TargetingParameters? first, out _));
        Assert.True(sut.TryParseBasic(header, out TargetingParameters? second, out _));
        Assert.True(sut.TryParseBasic(Basic("scraper-country-fr:s3cret:with:colons"), out TargetingParameters? other, out _));

        Assert.Same(first, second);
        Assert.Equal("DE", second!.Country);
        Assert.Equal("FR", other!.Country);
    }

    [Fact]
    public void TargetingCache_Full_StartsOverInsteadOfGrowing()
    {
        var cache = new TargetingCache(capacity: 2);
        var parameters = new TargetingParameters { Account = "a" };

        cache.Add("a-country-de", parameters);
        cache.Add("a-country-fr", parameters);
        cache.Add("a-country-gb", parameters);

        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet("a-country-gb", out TargetingParameters? found));
        Assert.Same(parameters, found);
        Assert.False(cache.TryGet("a-country-de", out _));
    }

    [Fact]
    public void TargetingCache_NewSessionIdOfKnownUsername_OneEntryAndTheNewId()
    {
        var cache = new TargetingCache(capacity: 2);
        var parameters = new TargetingParameters { Account = "a", Country = "DE", SessionId = "s1", SessionTtl = TimeSpan.FromMinutes(5) };
        cache.Add("a-session-s1-country-de", parameters);

        cache.Add("a-session-s2-country-de", parameters with { SessionId = "s2" });
        Assert.True(cache.TryGet("a-session-s3-country-de", out TargetingParameters? fresh));
        Assert.True(cache.TryGet("a-session-s1-country-de", out TargetingParameters? first));

        Assert.Equal(1, cache.Count);
        Assert.Equal(parameters with { SessionId = "s3" }, fresh);
        Assert.Same(parameters, first);
        Assert.False(cache.TryGet("a-session-s3-country-fr", out _));
        Assert.False(cache.TryGet("a-sessid-s3-country-de", out _));
    }

    [Theory]
    [InlineData("a-session-bad.id-country-de")]
    [InlineData("a-session-\u0000-country-de")]
    [InlineData("a-session-0123456789012345678901234567890123456789012345678901234567890123456789-country-de")]
    public void TargetingCache_InvalidSessionIdOfKnownUsername_Misses(string username)
    {
        var cache = new TargetingCache();
        cache.Add("a-session-s1-country-de", new TargetingParameters { Account = "a", Country = "DE", SessionId = "s1" });

        Assert.False(cache.TryGet(username, out TargetingParameters? found));
        Assert.Null(found);
    }

    [Fact]
    public void TryAuthenticate_NewSessionIdPerRequest_SameAsParsedAlone()
    {
        ProxyAccountAuthenticator sut = CreateSut();
        Assert.True(sut.TryAuthenticate("scraper-country-de-session-first-sesstime-30", "s3cret:with:colons", out _, out _));

        Assert.True(sut.TryAuthenticate("scraper-country-de-session-Next_2-sesstime-30", "s3cret:with:colons", out TargetingParameters? cached, out _));
        Assert.True(ProxyUsernameParser.TryParse("scraper-country-de-session-Next_2-sesstime-30", new SessionOptions(), out TargetingParameters? parsed, out _));
        Assert.Equal(parsed, cached);

        Assert.False(sut.TryAuthenticate("scraper-country-de-session-bad!-sesstime-30", "s3cret:with:colons", out _, out AuthenticationFailure failure));
        Assert.Equal(AuthenticationFailureKind.BadTargeting, failure.Kind);
        Assert.Equal("session", failure.TargetingError!.Value.Parameter);
    }

    [Theory]
    [InlineData("scraper", "wrong")]
    [InlineData("scraper", "")]
    [InlineData("scraper", "s3cret:with:colons ")]
    [InlineData("nobody", "s3cret:with:colons")]
    [InlineData("", "x")]
    [InlineData("Scraper", "s3cret:with:colons")]
    public void TryAuthenticate_WrongCredentials_BadCredentials(string username, string password)
    {
        Assert.False(CreateSut().TryAuthenticate(username, password, out TargetingParameters? p, out AuthenticationFailure failure));

        Assert.Null(p);
        Assert.Equal(AuthenticationFailureKind.BadCredentials, failure.Kind);
    }

    [Theory]
    [InlineData("scraper-country-us-state-ny")]
    [InlineData("scraper-asn-7922")]
    public void TryAuthenticate_StateOrAsn_AdmittedForRoutingToDecide(string username)
    {
        // Routing decides: a backconnect upstream whose dialect has the parameter serves it, else 400 naming it.
        Assert.True(CreateSut().TryAuthenticate(username, "s3cret:with:colons", out TargetingParameters? p, out AuthenticationFailure failure));

        Assert.Equal(AuthenticationFailureKind.None, failure.Kind);
        Assert.True(p!.State is not null || p.Asn is not null);
    }

    [Fact]
    public void TryAuthenticate_WrongPasswordAndBadTargeting_BadCredentialsNot400()
    {
        Assert.False(CreateSut().TryAuthenticate("scraper-colour-red", "wrong", out _, out AuthenticationFailure failure));

        Assert.Equal(AuthenticationFailureKind.BadCredentials, failure.Kind);
        Assert.Null(failure.TargetingError);
    }

    [Fact]
    public void TryAuthenticate_RightPasswordBadTargeting_BadTargetingNamingParameter()
    {
        Assert.False(CreateSut().TryAuthenticate("scraper-country-zz", "s3cret:with:colons", out _, out AuthenticationFailure failure));

        Assert.Equal(AuthenticationFailureKind.BadTargeting, failure.Kind);
        Assert.Equal("country", failure.TargetingError!.Value.Parameter);
        Assert.Contains("country", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryAuthenticate_PoolOutsideAccess_PoolNotAllowed()
    {
        ProxyAccountAuthenticator sut = CreateSut();

        Assert.False(sut.TryAuthenticate("limited-pool-us", "pässword", out _, out AuthenticationFailure failure));
        Assert.Equal(AuthenticationFailureKind.PoolNotAllowed, failure.Kind);

        Assert.True(sut.TryAuthenticate("limited-pool-eu", "pässword", out TargetingParameters? p, out PoolAccess? access, out _));
        Assert.Equal("eu", p!.Pool);
        Assert.False(access!.AllowsAll);
        Assert.Same(access, sut.GetPoolAccess("limited"));
    }

    [Fact]
    public void TryAuthenticate_UnknownPool_BadTargetingNamingThePool()
    {
        var sut = new ProxyAccountAuthenticator(
            [new UserOptions { Name = "limited", Password = "pw", Pools = ["eu", "dc"] }], new SessionOptions(), ["eu", "dc", "us"]);

        Assert.False(sut.TryAuthenticate("limited-pool-res_ue", "pw", out TargetingParameters? p, out AuthenticationFailure failure));

        Assert.Null(p);
        Assert.Equal(AuthenticationFailureKind.BadTargeting, failure.Kind);
        Assert.Equal("pool", failure.TargetingError!.Value.Parameter);
        Assert.Equal("bad targeting parameter 'pool': unknown pool 'res_ue' (this account's pools: dc, eu)", failure.Message);
        Assert.Equal(400, GatewayAnswer.Refused(AdmissionResult.Refused(failure)).StatusCode);
    }

    [Fact]
    public void TryAuthenticate_KnownPoolOtherCase_Admitted()
    {
        var sut = new ProxyAccountAuthenticator([new UserOptions { Name = "u", Password = "pw", Pools = ["*"] }], new SessionOptions(), ["res_eu"]);

        Assert.True(sut.TryAuthenticate("u-pool-RES_EU", "pw", out _, out _));
    }

    [Fact]
    public void TryAuthenticate_UnknownPoolWrongPassword_BadCredentials()
    {
        var sut = new ProxyAccountAuthenticator([new UserOptions { Name = "u", Password = "pw", Pools = ["*"] }], new SessionOptions(), ["res_eu"]);

        Assert.False(sut.TryAuthenticate("u-pool-nope", "wrong", out _, out AuthenticationFailure failure));
        Assert.Equal(AuthenticationFailureKind.BadCredentials, failure.Kind);
    }

    [Fact]
    public void Constructor_FromConfig_KnowsTheConfiguredPools()
    {
        var config = new ProxyRotatorConfig
        {
            Users = [new UserOptions { Name = "u", Password = "pw", Pools = ["*"] }],
            Pools = [new PoolOptions { Name = "res_eu" }],
        };

        Assert.False(new ProxyAccountAuthenticator(config).TryAuthenticate("u-pool-res_ue", "pw", out _, out AuthenticationFailure failure));
        Assert.Contains("unknown pool 'res_ue' (this account's pools: res_eu)", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s3cret:with:colons\r\n")]
    [InlineData("s3cret:with:colons\0")]
    public void TryAuthenticate_ControlCharactersInPassword_BadCredentials(string password) =>
        Assert.Equal(AuthenticationFailureKind.BadCredentials, Failure(CreateSut().TryAuthenticate("scraper", password, out _, out AuthenticationFailure f), f));

    [Fact]
    public void TryAuthenticate_OverlongPassword_BadCredentials() =>
        Assert.False(CreateSut().TryAuthenticate("scraper", new string('x', 5000), out _, out _));

    [Fact]
    public void TryParseBasic_ValidHeader_Authenticated()
    {
        Assert.True(CreateSut().TryParseBasic(Basic("scraper-session-abc:s3cret:with:colons"), out TargetingParameters? p, out _));

        Assert.Equal("abc", p!.SessionId);
    }

    [Fact]
    public void TryParseBasic_SchemeCaseInsensitiveAndSpaces_Authenticated() =>
        Assert.True(CreateSut().TryParseBasic("  bAsIc   " + Basic("limited:pässword")[6..] + " ", out _, out _));

    [Theory]
    [InlineData("")]
    [InlineData("Basic")]
    [InlineData("Basic ")]
    [InlineData("Bearer abc")]
    [InlineData("Basic !!!notbase64")]
    [InlineData("Basic c2NyYXBlcg==")] // "scraper" without a colon
    [InlineData("Basic 6Q==")] // invalid UTF-8
    [InlineData("Basic YTpi YQ==")]
    [InlineData("Digest username=\"scraper\"")]
    public void TryParseBasic_Malformed_BadCredentialsWithoutException(string header)
    {
        Assert.False(CreateSut().TryParseBasic(header, out _, out AuthenticationFailure failure));

        Assert.Equal(AuthenticationFailureKind.BadCredentials, failure.Kind);
    }

    [Fact]
    public void TryParseBasic_HugeHeader_BadCredentials() =>
        Assert.False(CreateSut().TryParseBasic("Basic " + new string('A', 100_000), out _, out _));

    [Fact]
    public void TryAuthenticateUtf8_Rfc1929Bytes_Authenticated()
    {
        Assert.True(CreateSut().TryAuthenticateUtf8("limited-cc-fr"u8, Encoding.UTF8.GetBytes("pässword"), out TargetingParameters? p, out _, out _));

        Assert.Equal("FR", p!.Country);
    }

    [Fact]
    public void TryAuthenticateUtf8_InvalidUtf8_BadCredentials() =>
        Assert.False(CreateSut().TryAuthenticateUtf8("limited"u8, [0xE9], out _, out _, out _));

    [Fact]
    public void Constructor_DuplicateOrDashedAccount_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ProxyAccountAuthenticator([new UserOptions { Name = "a" }, new UserOptions { Name = "a" }], new SessionOptions()));
        Assert.Throws<ArgumentException>(() => new ProxyAccountAuthenticator([new UserOptions { Name = "a-b" }], new SessionOptions()));
    }

    [Fact]
    public void Failure_Message_NeverContainsPassword()
    {
        ProxyAccountAuthenticator sut = CreateSut();
        sut.TryAuthenticate("scraper-country-zz", "s3cret:with:colons", out _, out AuthenticationFailure bad);
        sut.TryAuthenticate("scraper", "guess", out _, out AuthenticationFailure wrong);

        Assert.DoesNotContain("s3cret", bad.Message + bad.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("guess", wrong.Message + wrong.ToString(), StringComparison.Ordinal);
    }

    private static AuthenticationFailureKind Failure(bool result, AuthenticationFailure failure)
    {
        Assert.False(result);
        return failure.Kind;
    }

    [Fact]
    public void Epoch_NothingChanged_Matches()
    {
        var directory = new ProxyRotator.Core.Accounts.AccountDirectory(new ProxyRotator.Core.Accounts.UsageLedger(TimeProvider.System));
        directory.Publish(ProxyAccountAuthenticator.DefinitionsOf([new UserOptions { Name = "u", Password = "pw", Pools = ["*"] }]));
        var sut = new ProxyAccountAuthenticator(directory, new SessionOptions());
        CredentialEpoch before = sut.Epoch;

        Assert.True(sut.TryAuthenticate("u", "pw", out _, out _));

        Assert.True(sut.Epoch.Matches(before));
        Assert.False(default(CredentialEpoch).Matches(default));
    }

    [Fact]
    public void Epoch_AccountsPublishedAgain_NoLongerMatches()
    {
        var directory = new ProxyRotator.Core.Accounts.AccountDirectory(new ProxyRotator.Core.Accounts.UsageLedger(TimeProvider.System));
        UserOptions[] users = [new UserOptions { Name = "u", Password = "pw", Pools = ["*"] }];
        directory.Publish(ProxyAccountAuthenticator.DefinitionsOf(users));
        var sut = new ProxyAccountAuthenticator(directory, new SessionOptions());
        Assert.True(sut.TryAuthenticate("u", "pw", out _, out _));
        CredentialEpoch before = sut.Epoch;

        directory.Publish(ProxyAccountAuthenticator.DefinitionsOf([new UserOptions { Name = "u", Password = "changed", Pools = ["*"] }]));

        Assert.False(sut.Epoch.Matches(before));
    }
}
