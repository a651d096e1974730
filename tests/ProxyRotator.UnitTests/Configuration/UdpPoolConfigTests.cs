using ProxyRotator.Core.Configuration;
using static ProxyRotator.UnitTests.Configuration.ConfigJson;

namespace ProxyRotator.UnitTests.Configuration;

/// <summary><c>"udp": true</c> on a pool: its SOCKS5 upstreams carry UDP ASSOCIATE (issue 15 §2).</summary>
public sealed class UdpPoolConfigTests
{
    [Fact]
    public void Load_UdpOnSocks5Pool_Read()
    {
        ProxyRotatorConfig config = Load(Document(
            "'pools': [ { 'name': 'dns', 'udp': true, 'proxies': ['socks5://198.51.100.7:1080'] }, { 'name': 'web', 'proxies': ['http://198.51.100.8:8000'] } ]"));

        Assert.True(config.Pools[0].Udp);
        Assert.False(config.Pools[1].Udp);
    }

    [Fact]
    public void Load_UdpPoolWithHttpProxy_ErrorNamesProxy() =>
        SingleError(Document("'pools': [ { 'name': 'dns', 'udp': true, 'proxies': ['socks5://198.51.100.7:1080', 'http://198.51.100.8:8000'] } ]"),
            "pools[0].proxies[1]", "must be socks5://");

    [Fact]
    public void Load_UdpNotBoolean_ErrorNamesPath() =>
        SingleError(Document("'pools': [ { 'name': 'dns', 'udp': 'yes' } ]"), "pools[0].udp", "must be true or false");
}
