using System.Net;
using ProxyRotator.Core.Accounts;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.UnitTests.Gateway.Accounts;

/// <summary>The authenticator against a changing <see cref="AccountDirectory"/>: a change applies to the very next check.</summary>
public sealed class AccountAuthenticationTests
{
    private static readonly string _hash = AccountPasswordHasher.Hash("pw-1");

    private readonly AccountDirectory _directory = new(new UsageLedger(TimeProvider.System));

    [Fact]
    public void TryAuthenticate_AccountDisabledAfterItsVerdictWasCached_RefusedAtOnce()
    {
        var sut = new ProxyAccountAuthenticator(_directory, new SessionOptions());
        _directory.Publish([Account("a", _hash)]);
        Assert.True(sut.TryAuthenticate("a", "pw-1", out _, out _));

        _directory.Publish([Account("a", _hash) with { Enabled = false }]);

        Assert.False(sut.TryAuthenticate("a", "pw-1", out _, out AuthenticationFailure failure));
        Assert.Equal(AuthenticationFailureKind.BadCredentials, failure.Kind);
    }

    [Fact]
    public void TryAuthenticate_PasswordRotated_OldRefusedNewAccepted()
    {
        var sut = new ProxyAccountAuthenticator(_directory, new SessionOptions());
        _directory.Publish([Account("a", _hash)]);
        Assert.True(sut.TryAuthenticate("a", "pw-1", out _, out _));

        _directory.Publish([Account("a", AccountPasswordHasher.Hash("pw-2"))]);

        Assert.False(sut.TryAuthenticate("a", "pw-1", out _, out _));
        Assert.True(sut.TryAuthenticate("a-country-de", "pw-2", out _, out _));
    }

    [Fact]
    public void TryAuthenticate_AccountAddedLater_AcceptedAtOnce_UnknownBeforeCachedVerdictIgnored()
    {
        var sut = new ProxyAccountAuthenticator(_directory, new SessionOptions());
        Assert.False(sut.TryAuthenticate("late", "pw-1", out _, out _));

        _directory.Publish([Account("late", _hash)]);

        Assert.True(sut.TryAuthenticate("late", "pw-1", out _, out _));
    }

    [Fact]
    public void TryAuthenticate_AllowListedAddress_AdmittedWithoutPassword_OtherAddressNeedsIt()
    {
        var sut = new ProxyAccountAuthenticator(_directory, new SessionOptions());
        _directory.Publish([Account("bound", null) with { AllowedAddresses = ["203.0.113.0/24"] }]);

        Assert.True(sut.TryAuthenticate("bound-country-us", "anything", IPAddress.Parse("203.0.113.9"), out _, out AccountEntry? account, out _));
        Assert.Equal("bound", account!.Name);
        Assert.True(sut.TryAuthenticateAddress(IPAddress.Parse("::ffff:203.0.113.10"), out _, out _));
        Assert.False(sut.TryAuthenticate("bound", "anything", IPAddress.Parse("198.51.100.1"), out _, out _, out _));
        Assert.False(sut.TryAuthenticateAddress(IPAddress.Parse("198.51.100.1"), out _, out _));
    }

    [Fact]
    public void TryAuthenticateAddress_DisabledAccount_NotAdmitted()
    {
        var sut = new ProxyAccountAuthenticator(_directory, new SessionOptions());
        _directory.Publish([Account("bound", null) with { AllowedAddresses = ["203.0.113.9"], Enabled = false }]);

        Assert.False(sut.TryAuthenticateAddress(IPAddress.Parse("203.0.113.9"), out _, out _));
    }

    private static AccountDefinition Account(string name, string? hash) => new(name, hash, true, ["*"], AccountLimits.None, []);
}
