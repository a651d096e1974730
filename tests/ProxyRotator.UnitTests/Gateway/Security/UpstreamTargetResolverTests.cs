using System.Net;
using System.Net.Sockets;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.UnitTests.Gateway.Security;

public sealed class UpstreamTargetResolverTests
{
    private const string Alias = "vm-alias.test";

    private readonly ITargetNameResolver _names = Substitute.For<ITargetNameResolver>();

    private UpstreamTargetResolver CreateSut(bool allowPrivate = false, List<PoolOptions>? pools = null)
    {
        var config = new ProxyRotatorConfig
        {
            Gateway = new GatewayOptions { Listen = ["127.0.0.1:8080"], AllowPrivateTargets = allowPrivate },
            Admin = new AdminOptions { Listen = "127.0.0.1:8081" },
            Pools = pools ?? [],
        };
        var policy = new TargetPolicy(config.Gateway, config.Admin, [IPAddress.Parse("192.0.2.10"), IPAddress.Loopback]);
        return new UpstreamTargetResolver(policy, config, _names);
    }

    private static UpstreamProxy Upstream(string host, string pool = "main") => new()
    {
        Id = 1,
        PoolName = pool,
        Endpoint = new UpstreamEndpoint(UpstreamScheme.Socks5, host, 1080, null, null),
        Type = UpstreamType.Datacenter,
        Status = UpstreamStatus.Active,
    };

    private void Resolves(string name, params string[] addresses) =>
        _names.ResolveAsync(name, Arg.Any<CancellationToken>()).Returns([.. addresses.Select(IPAddress.Parse)]);

    [Theory]
    [InlineData("127.0.1.5")]
    [InlineData("10.1.2.3")]
    [InlineData("192.168.0.7")]
    [InlineData("169.254.3.4")]
    [InlineData("fd00::5")]
    [InlineData("localhost")]
    public void IsLocal_UpstreamOnOwnHostOrNetwork_True(string host) =>
        Assert.True(CreateSut().IsLocal(Upstream(host)));

    [Theory]
    [InlineData("198.51.100.7")]
    [InlineData("proxy.example.net")]
    public void IsLocal_RemoteUpstream_False(string host) =>
        Assert.False(CreateSut().IsLocal(Upstream(host)));

    [Fact]
    public void IsLocal_EntryMarkedLocal_True()
    {
        var entry = new ProxyEntryOptions { Endpoint = new UpstreamEndpoint(UpstreamScheme.Socks5, "squid.corp.example", 1080, null, null), Local = true };
        UpstreamTargetResolver sut = CreateSut(pools: [new PoolOptions { Name = "main", Proxies = [entry] }]);

        Assert.True(sut.IsLocal(Upstream("squid.corp.example")));
    }

    [Fact]
    public void IsLocal_PoolMarkedLocal_TrueForEveryUpstreamOfIt()
    {
        UpstreamTargetResolver sut = CreateSut(pools: [new PoolOptions { Name = "onprem", Local = true }]);

        Assert.True(sut.IsLocal(Upstream("proxy.example.net", pool: "onprem")));
        Assert.False(sut.IsLocal(Upstream("proxy.example.net", pool: "other")));
    }

    [Fact]
    public async Task ResolveAsync_LocalUpstreamHostsAliasOfLoopback_Refused()
    {
        Resolves(Alias, "127.0.0.1");

        TargetResolution resolution = await CreateSut().ResolveAsync(Upstream("127.0.1.5"), Alias, 80, CancellationToken.None);

        Assert.Null(resolution.Host);
        Assert.Equal(TargetRefusalReason.Loopback, resolution.Decision.Reason);
    }

    [Fact]
    public async Task ResolveAsync_LocalUpstreamAliasOfAdminWithPrivateAllowed_RefusedAsOwnEndpoint()
    {
        Resolves(Alias, "127.0.0.1");

        TargetResolution resolution = await CreateSut(allowPrivate: true).ResolveAsync(Upstream("127.0.1.5"), Alias, 8081, CancellationToken.None);

        Assert.Equal(TargetRefusalReason.OwnEndpoint, resolution.Decision.Reason);
    }

    [Fact]
    public async Task ResolveAsync_OneOfSeveralAddressesPrivate_Refused()
    {
        Resolves("mixed.example", "93.184.216.34", "10.0.0.8");

        TargetResolution resolution = await CreateSut().ResolveAsync(Upstream("127.0.1.5"), "mixed.example", 443, CancellationToken.None);

        Assert.Equal(TargetRefusalReason.Private, resolution.Decision.Reason);
    }

    [Fact]
    public async Task ResolveAsync_LocalUpstreamPublicName_HandsCheckedAddressPreferringIPv4()
    {
        Resolves("example.com", "2606:2800:220:1:248:1893:25c8:1946", "93.184.216.34");

        TargetResolution resolution = await CreateSut().ResolveAsync(Upstream("127.0.1.5"), "example.com", 443, CancellationToken.None);

        Assert.Equal("93.184.216.34", resolution.Host);
        Assert.False(resolution.IsRefused);
    }

    [Fact]
    public async Task ResolveAsync_RemoteUpstream_NameHandedOnUnresolved()
    {
        TargetResolution resolution = await CreateSut().ResolveAsync(Upstream("198.51.100.7"), Alias, 80, CancellationToken.None);

        Assert.Equal(Alias, resolution.Host);
        await _names.DidNotReceiveWithAnyArgs().ResolveAsync(default!, default);
    }

    [Fact]
    public async Task ResolveAsync_LiteralAddress_NotResolved()
    {
        TargetResolution resolution = await CreateSut().ResolveAsync(Upstream("127.0.1.5"), "[2606:2800:220:1:248:1893:25c8:1946]", 443, CancellationToken.None);

        Assert.Equal("[2606:2800:220:1:248:1893:25c8:1946]", resolution.Host);
        await _names.DidNotReceiveWithAnyArgs().ResolveAsync(default!, default);
    }

    [Fact]
    public async Task ResolveAsync_NameDoesNotResolve_UnresolvedNotThrown()
    {
        _names.ResolveAsync("nonexistent.invalid", Arg.Any<CancellationToken>()).ThrowsAsync(new SocketException((int)SocketError.HostNotFound));

        TargetResolution resolution = await CreateSut().ResolveAsync(Upstream("127.0.1.5"), "nonexistent.invalid", 80, CancellationToken.None);

        Assert.Null(resolution.Host);
        Assert.False(resolution.IsRefused);
    }

    [Fact]
    public async Task ResolveAsync_ResolvedOnce_PerAttempt()
    {
        Resolves("example.com", "93.184.216.34");

        await CreateSut().ResolveAsync(Upstream("127.0.1.5"), "example.com.", 443, CancellationToken.None);

        await _names.Received(1).ResolveAsync("example.com", Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task ResolveAsync_LookUpSlowerThanConnectTimeout_UnresolvedNotHung()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var config = new ProxyRotatorConfig { Gateway = new GatewayOptions { ConnectTimeout = TimeSpan.FromSeconds(5) } };
        var policy = new TargetPolicy(config.Gateway, config.Admin, [IPAddress.Loopback]);
        var sut = new UpstreamTargetResolver(policy, config, new CancellingResolver(), time);

        ValueTask<TargetResolution> pending = sut.ResolveAsync(Upstream("127.0.1.5"), "slow.example", 80, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(5));
        TargetResolution resolution = await pending;

        Assert.Null(resolution.Host);
        Assert.False(resolution.IsRefused);
    }

    private sealed class CancellingResolver : ITargetNameResolver
    {
        public async Task<IPAddress[]> ResolveAsync(string name, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return [];
        }
    }
}
