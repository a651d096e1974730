using ProxyRotator.Core.Configuration;
using static ProxyRotator.UnitTests.Configuration.ConfigJson;

namespace ProxyRotator.UnitTests.Configuration;

/// <summary><c>"local": true</c> on a pool or a proxy entry (issue 10 §2).</summary>
public sealed class LocalUpstreamConfigTests
{
    [Fact]
    public void Load_LocalOnEntryAndPool_Read()
    {
        ProxyRotatorConfig config = Load(Document(
            "'pools': [ { 'name': 'onprem', 'local': true, 'proxies': ['http://10.0.0.5:3128'] }," +
            " { 'name': 'mixed', 'proxies': [ { 'url': 'socks5://squid.corp.example:1080', 'local': true }, 'http://198.51.100.7:8000' ] } ]"));

        Assert.True(config.Pools[0].Local);
        Assert.False(config.Pools[1].Local);
        Assert.True(config.Pools[1].Proxies[0].Local);
        Assert.False(config.Pools[1].Proxies[1].Local);
    }

    [Fact]
    public void Load_LocalNotBoolean_ErrorNamesPath() =>
        SingleError(Document("'pools': [ { 'name': 'p', 'proxies': [ { 'url': 'http://10.0.0.5:3128', 'local': 'yes' } ] } ]"),
            "pools[0].proxies[0].local", "must be true or false");

    [Fact]
    public void Load_PoolLocalNotBoolean_ErrorNamesPath() =>
        SingleError(Document("'pools': [ { 'name': 'p', 'local': 1 } ]"), "pools[0].local", "must be true or false");
}
