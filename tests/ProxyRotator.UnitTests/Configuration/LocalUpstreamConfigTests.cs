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

    [Fact]
    public void Load_AuthThrottleAndAdminProtection_Read()
    {
        ProxyRotatorConfig config = Load(Document(
            "'gateway': { 'authFailuresPerMinute': 7, 'authCooldown': '90s' }, 'admin': { 'apiKey': '" + ApiKey + "', 'protectMetricsAndDashboard': true }"));

        Assert.Equal(7, config.Gateway.AuthFailuresPerMinute);
        Assert.Equal(TimeSpan.FromSeconds(90), config.Gateway.AuthCooldown);
        Assert.True(config.Admin.ProtectMetricsAndDashboard);
    }

    [Fact]
    public void Load_Defaults_ThrottleOnMetricsOpen()
    {
        ProxyRotatorConfig config = Load(Document(string.Empty));

        Assert.Equal(20, config.Gateway.AuthFailuresPerMinute);
        Assert.Equal(TimeSpan.FromMinutes(1), config.Gateway.AuthCooldown);
        Assert.False(config.Admin.ProtectMetricsAndDashboard);
    }

    [Theory]
    [InlineData("'gateway': { 'authFailuresPerMinute': -1 }", "gateway.authFailuresPerMinute", "between 0 and 100000")]
    [InlineData("'gateway': { 'authCooldown': '0s' }", "gateway.authCooldown", "must be a positive duration")]
    [InlineData("'gateway': { 'authCooldown': '2d' }", "gateway.authCooldown", "between 1s and")]
    [InlineData("'admin': { 'apiKey': '0123456789abcdef', 'protectMetricsAndDashboard': 'yes' }", "admin.protectMetricsAndDashboard", "must be true or false")]
    public void Load_BadHardeningField_ErrorNamesPath(string fields, string path, string reason) =>
        SingleError(Document(fields), path, reason);
}
