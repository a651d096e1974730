using System.Net;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.UnitTests.Gateway.Security;

public sealed class TargetPolicyTests
{
    private static readonly IPAddress _machineAddress = IPAddress.Parse("192.0.2.10");

    private static TargetPolicy CreateSut(bool allowPrivate = false, string[]? listen = null, string admin = "127.0.0.1:8081", string[]? allowed = null) =>
        new(
            new GatewayOptions { Listen = [.. listen ?? ["127.0.0.1:8080"]], AllowPrivateTargets = allowPrivate, AllowedTargets = [.. allowed ?? []] },
            new AdminOptions { Listen = admin },
            [_machineAddress, IPAddress.Loopback]);

    [Theory]
    [InlineData("example.com", 443)]
    [InlineData("93.184.216.34", 80)]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946", 443)]
    [InlineData("[2606:2800:220:1:248:1893:25c8:1946]", 443)]
    [InlineData("172.32.0.1", 80)]
    [InlineData("100.128.0.1", 80)]
    [InlineData("ip6-localhost.example.org", 80)]
    public void Evaluate_PublicTarget_Allowed(string host, int port) =>
        Assert.True(CreateSut().Evaluate(host, port).IsAllowed);

    [Theory]
    [InlineData("127.0.0.1", TargetRefusalReason.Loopback)]
    [InlineData("127.9.9.9", TargetRefusalReason.Loopback)]
    [InlineData("::1", TargetRefusalReason.Loopback)]
    [InlineData("[::1]", TargetRefusalReason.Loopback)]
    [InlineData("localhost", TargetRefusalReason.Loopback)]
    [InlineData("LOCALHOST.", TargetRefusalReason.Loopback)]
    [InlineData("app.localhost", TargetRefusalReason.Loopback)]
    [InlineData("2130706433", TargetRefusalReason.Loopback)]
    [InlineData("127.1", TargetRefusalReason.Loopback)]
    [InlineData("::ffff:127.0.0.1", TargetRefusalReason.Loopback)]
    [InlineData("::ffff:10.1.2.3", TargetRefusalReason.Private)]
    [InlineData("64:ff9b::10.0.0.1", TargetRefusalReason.Private)]
    [InlineData("::127.0.0.1", TargetRefusalReason.Loopback)]
    [InlineData("10.0.0.1", TargetRefusalReason.Private)]
    [InlineData("172.16.5.4", TargetRefusalReason.Private)]
    [InlineData("172.31.255.255", TargetRefusalReason.Private)]
    [InlineData("192.168.1.1", TargetRefusalReason.Private)]
    [InlineData("100.64.0.1", TargetRefusalReason.Private)]
    [InlineData("100.127.255.254", TargetRefusalReason.Private)]
    [InlineData("fc00::1", TargetRefusalReason.Private)]
    [InlineData("fd12:3456::1", TargetRefusalReason.Private)]
    [InlineData("0.0.0.0", TargetRefusalReason.Unspecified)]
    [InlineData("::", TargetRefusalReason.Unspecified)]
    [InlineData("224.0.0.1", TargetRefusalReason.Multicast)]
    [InlineData("ff02::1", TargetRefusalReason.Multicast)]
    [InlineData("255.255.255.255", TargetRefusalReason.Broadcast)]
    [InlineData("169.254.169.254", TargetRefusalReason.LinkLocal)]
    [InlineData("fe80::1", TargetRefusalReason.LinkLocal)]
    [InlineData("::ffff:169.254.169.254", TargetRefusalReason.LinkLocal)]
    public void Evaluate_SpecialRange_RefusedWithReason(string host, TargetRefusalReason reason) =>
        Assert.Equal(reason, CreateSut().Evaluate(host, 80).Reason);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("10.0.0.1")]
    [InlineData("100.64.0.1")]
    [InlineData("fd00::1")]
    [InlineData("224.0.0.1")]
    public void Evaluate_PrivateAllowed_Allowed(string host) =>
        Assert.True(CreateSut(allowPrivate: true).Evaluate(host, 80).IsAllowed);

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.1.1")]
    [InlineData("fe80::abcd")]
    [InlineData("::ffff:169.254.169.254")]
    public void Evaluate_LinkLocalWithPrivateAllowed_StillRefused(string host) =>
        Assert.Equal(TargetRefusalReason.LinkLocal, CreateSut(allowPrivate: true).Evaluate(host, 80).Reason);

    [Fact]
    public void Evaluate_LinkLocalOnAllowList_Allowed()
    {
        TargetPolicy sut = CreateSut(allowed: ["169.254.169.254", "fe80::/64"]);

        Assert.True(sut.Evaluate("169.254.169.254", 80).IsAllowed);
        Assert.True(sut.Evaluate("fe80::1", 80).IsAllowed);
        Assert.False(sut.Evaluate("169.254.169.253", 80).IsAllowed);
    }

    [Fact]
    public void Evaluate_NetworkOnAllowList_AllowsWithoutAllowPrivate()
    {
        TargetPolicy sut = CreateSut(allowed: ["10.1.0.0/16", "localhost"]);

        Assert.True(sut.Evaluate("10.1.2.3", 80).IsAllowed);
        Assert.False(sut.Evaluate("10.2.0.1", 80).IsAllowed);
        Assert.True(sut.Evaluate("localhost", 3000).IsAllowed);
    }

    [Theory]
    [InlineData("127.0.0.1", 8080)]
    [InlineData("127.0.0.1", 8081)]
    [InlineData("localhost", 8080)]
    [InlineData("::ffff:127.0.0.1", 8080)]
    [InlineData("0.0.0.0", 8080)]
    public void Evaluate_OwnListenersEvenWithPrivateAllowed_Refused(string host, int port) =>
        Assert.Equal(TargetRefusalReason.OwnEndpoint, CreateSut(allowPrivate: true).Evaluate(host, port).Reason);

    [Fact]
    public void Evaluate_OwnListenerOnAllowList_StillRefused() =>
        Assert.Equal(TargetRefusalReason.OwnEndpoint, CreateSut(allowed: ["127.0.0.0/8"]).Evaluate("127.0.0.1", 8080).Reason);

    [Fact]
    public void Evaluate_SameAddressOtherPort_NotAnOwnEndpoint() =>
        Assert.True(CreateSut(allowPrivate: true).Evaluate("127.0.0.1", 9090).IsAllowed);

    [Fact]
    public void Evaluate_OtherLoopbackAddressSamePort_NotAnOwnEndpointOfASpecificListener() =>
        Assert.True(CreateSut(allowPrivate: true).Evaluate("127.0.1.5", 8080).IsAllowed);

    [Theory]
    [InlineData("192.0.2.10")]
    [InlineData("127.0.1.5")]
    [InlineData("::1")]
    [InlineData("::ffff:192.0.2.10")]
    public void Evaluate_AnyAddressListener_RefusesEveryLocalAddressWithThatPort(string host)
    {
        TargetPolicy sut = CreateSut(allowPrivate: true, listen: ["0.0.0.0:3128"]);

        Assert.Equal(TargetRefusalReason.OwnEndpoint, sut.Evaluate(host, 3128).Reason);
        Assert.True(sut.Evaluate(host, 3129).IsAllowed);
    }

    [Fact]
    public void Evaluate_AnyAddressListener_PublicAddressSamePortAllowed() =>
        Assert.True(CreateSut(listen: ["[::]:443"]).Evaluate("93.184.216.34", 443).IsAllowed);

    [Fact]
    public void RegisterListenEndpoint_BoundPort_Refused()
    {
        TargetPolicy sut = CreateSut(allowPrivate: true, listen: ["127.0.0.1:0"]);
        Assert.True(sut.Evaluate("127.0.0.1", 41234).IsAllowed);

        sut.RegisterListenEndpoint(new IPEndPoint(IPAddress.Loopback, 41234));

        Assert.Equal(TargetRefusalReason.OwnEndpoint, sut.Evaluate("127.0.0.1", 41234).Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Evaluate_InvalidPort_Refused(int port) =>
        Assert.Equal(TargetRefusalReason.InvalidPort, CreateSut().Evaluate("example.com", port).Reason);

    [Theory]
    [InlineData("")]
    [InlineData("exa mple.com")]
    [InlineData("example.com\r\nX: y")]
    [InlineData("a/b")]
    [InlineData("[]")]
    public void Evaluate_MalformedHost_Refused(string host) =>
        Assert.Equal(TargetRefusalReason.InvalidHost, CreateSut().Evaluate(host, 80).Reason);

    [Fact]
    public void Constructor_BadAllowListEntry_Throws() =>
        Assert.Throws<ArgumentException>(() => CreateSut(allowed: ["10.0.0.0/99"]));

    [Theory]
    [InlineData("::1%1")]
    [InlineData("[::1%251]")]
    [InlineData("::1%251")]
    [InlineData("fe80::1%eth0")]
    [InlineData("[fe80::1%1]")]
    public void Evaluate_ScopedIPv6Literal_RefusedAsMalformed(string host) =>
        Assert.Equal(TargetRefusalReason.InvalidHost, CreateSut(allowPrivate: true).Evaluate(host, 8081).Reason);

    [Fact]
    public void Evaluate_ScopedLoopbackAddress_IsAnOwnEndpoint() =>
        Assert.Equal(TargetRefusalReason.OwnEndpoint, CreateSut(allowPrivate: true, admin: "localhost:8081").Evaluate(IPAddress.Parse("::1%251"), 8081).Reason);

    [Fact]
    public void Evaluate_ScopedLoopbackAddress_ClassifiedAsLoopback() =>
        Assert.Equal(TargetRefusalReason.Loopback, CreateSut().Evaluate(IPAddress.Parse("::1%1"), 80).Reason);

    [Theory]
    [InlineData("::ffff:0:127.0.0.1", TargetRefusalReason.Loopback)]
    [InlineData("::ffff:0:10.0.0.1", TargetRefusalReason.Private)]
    [InlineData("::ffff:0:169.254.169.254", TargetRefusalReason.LinkLocal)]
    [InlineData("64:ff9b:1::7f00:1", TargetRefusalReason.Private)]
    [InlineData("64:ff9b:1:ffff::1", TargetRefusalReason.Private)]
    [InlineData("127.0.0.1.", TargetRefusalReason.Loopback)]
    [InlineData("2130706433.", TargetRefusalReason.Loopback)]
    [InlineData("0x7f000001.", TargetRefusalReason.Loopback)]
    [InlineData("10.0.0.1.", TargetRefusalReason.Private)]
    [InlineData("0177.0.0.1.", TargetRefusalReason.Loopback)]
    [InlineData("169.254.169.254.", TargetRefusalReason.LinkLocal)]
    public void Evaluate_TranslatedOrTrailingDotForms_JudgedAsTheirAddress(string host, TargetRefusalReason reason) =>
        Assert.Equal(reason, CreateSut().Evaluate(host, 80).Reason);

    [Fact]
    public void Evaluate_TrailingDotLoopbackToAdminPort_RefusedAsOwnEndpoint() =>
        Assert.Equal(TargetRefusalReason.OwnEndpoint, CreateSut(allowPrivate: true).Evaluate("127.0.0.1.", 8081).Reason);

    [Theory]
    [InlineData("999.1.1.1")]
    [InlineData("example.123")]
    public void Evaluate_NumericTopLabelThatIsNoAddress_RefusedAsMalformed(string host) =>
        Assert.Equal(TargetRefusalReason.InvalidHost, CreateSut(allowPrivate: true).Evaluate(host, 80).Reason);

    [Theory]
    [InlineData("64:ff9b::93.184.216.34")]
    [InlineData("example.com.")]
    [InlineData("1e100.net")]
    public void Evaluate_PublicTranslatedOrDottedName_Allowed(string host) =>
        Assert.True(CreateSut().Evaluate(host, 80).IsAllowed);
}
