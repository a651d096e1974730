using System.Net;
using Microsoft.Extensions.Time.Testing;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.UnitTests.Gateway.Security;

public sealed class AuthenticationThrottleTests
{
    private static readonly IPAddress _guesser = IPAddress.Parse("203.0.113.5");
    private static readonly IPAddress _other = IPAddress.Parse("203.0.113.6");

    private readonly FakeTimeProvider _time = new();

    private AuthenticationThrottle CreateSut(int limit = 5, TimeSpan? cooldown = null) =>
        new(new GatewayOptions { AuthFailuresPerMinute = limit, AuthCooldown = cooldown ?? TimeSpan.FromMinutes(2) }, _time);

    private static void Fail(AuthenticationThrottle sut, IPAddress client, int times)
    {
        for (int i = 0; i < times; i++)
        {
            sut.RecordFailure(client);
        }
    }

    [Fact]
    public void IsBlocked_BelowLimit_NotBlocked()
    {
        AuthenticationThrottle sut = CreateSut();
        Fail(sut, _guesser, 4);

        Assert.False(sut.IsBlocked(_guesser, out _));
    }

    [Fact]
    public void IsBlocked_LimitReachedWithinAMinute_BlockedForTheCooldown()
    {
        AuthenticationThrottle sut = CreateSut();
        Fail(sut, _guesser, 5);

        Assert.True(sut.IsBlocked(_guesser, out TimeSpan retryAfter));
        Assert.Equal(TimeSpan.FromMinutes(2), retryAfter);
        _time.Advance(TimeSpan.FromSeconds(119));
        Assert.True(sut.IsBlocked(_guesser, out _));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(sut.IsBlocked(_guesser, out _));
    }

    [Fact]
    public void IsBlocked_OtherClient_NotAffected()
    {
        AuthenticationThrottle sut = CreateSut();
        Fail(sut, _guesser, 50);

        Assert.False(sut.IsBlocked(_other, out _));
    }

    [Fact]
    public void IsBlocked_FailuresSpreadOverMinutes_NotBlocked()
    {
        AuthenticationThrottle sut = CreateSut();
        for (int i = 0; i < 20; i++)
        {
            Fail(sut, _guesser, 2);
            _time.Advance(TimeSpan.FromSeconds(31));
        }

        Assert.False(sut.IsBlocked(_guesser, out _));
    }

    [Fact]
    public void IsBlocked_IPv6SameSlash64_CountedTogether()
    {
        AuthenticationThrottle sut = CreateSut();
        for (int i = 1; i <= 5; i++)
        {
            sut.RecordFailure(IPAddress.Parse($"2001:db8:1:2::{i}"));
        }

        Assert.True(sut.IsBlocked(IPAddress.Parse("2001:db8:1:2::ffff"), out _));
        Assert.False(sut.IsBlocked(IPAddress.Parse("2001:db8:1:3::1"), out _));
    }

    [Fact]
    public void IsBlocked_MappedIPv4_SameClientAsIPv4()
    {
        AuthenticationThrottle sut = CreateSut();
        Fail(sut, _guesser.MapToIPv6(), 5);

        Assert.True(sut.IsBlocked(_guesser, out _));
    }

    [Fact]
    public void RecordFailure_Disabled_NeverBlocks()
    {
        AuthenticationThrottle sut = CreateSut(limit: 0);
        Fail(sut, _guesser, 1000);

        Assert.False(sut.IsBlocked(_guesser, out _));
        Assert.Equal(0, sut.TrackedClients);
    }

    [Fact]
    public void RecordFailure_ManyAddresses_MemoryBounded()
    {
        AuthenticationThrottle sut = CreateSut();
        for (int i = 0; i < AuthenticationThrottle.MaxTrackedClients + 1000; i++)
        {
            sut.RecordFailure(new IPAddress((uint)i + 0x01000000u));
        }

        Assert.True(sut.TrackedClients <= AuthenticationThrottle.MaxTrackedClients);

        // Once the old entries are stale, new addresses are tracked again.
        _time.Advance(TimeSpan.FromMinutes(2));
        Fail(sut, _guesser, 5);
        Assert.True(sut.IsBlocked(_guesser, out _));
    }
}
