using ProxyRotator.Core.Configuration;
using ProxyRotator.UnitTests.Configuration;

namespace ProxyRotator.UnitTests.Policy;

public sealed class PolicyConfigTests
{
    [Fact]
    public void Load_PolicySection_ReadsRulesBansAndExclusiveWindow()
    {
        ProxyRotatorConfig config = ConfigJson.Load(ConfigJson.Document(
            "'pools': [ { 'name': 'acct', 'exclusiveExits': true, 'proxies': [ 'http://198.51.100.7:8000' ] } ], "
            + "'users': [ { 'name': 'team', 'password': 'pw-pw-pw-pw', 'outbound': { 'allow': [ 'port:443' ] } } ], "
            + "'policy': { 'outbound': { 'deny': [ 'blocked.example', '10.0.0.0/8' ] }, "
            + "'bans': { 'cooldown': '5m', 'maxCooldown': '2h', 'forgiveAfter': '30m', 'inspectBytes': 4096, "
            + "'rules': [ { 'status': [ 403 ], 'body': 'blocked' } ] }, 'exclusive': { 'window': '1h' } }"));

        Assert.Equal("deny:blocked.example", config.Policy.Outbound.Evaluate("www.blocked.example", 443));
        Assert.Equal("allow:port", config.Users[0].Outbound.Evaluate("example.com", 80));
        Assert.True(config.Pools[0].ExclusiveExits);
        Assert.Equal(TimeSpan.FromMinutes(5), config.Policy.Bans.Cooldown);
        Assert.Equal(TimeSpan.FromHours(2), config.Policy.Bans.MaxCooldown);
        Assert.Equal(4096, config.Policy.Bans.InspectBytes);
        BanRuleOptions rule = Assert.Single(config.Policy.Bans.Rules);
        Assert.Equal([403], rule.Status);
        Assert.Equal(TimeSpan.FromHours(1), config.Policy.Exclusive.Window);
    }

    [Fact]
    public void Load_NoPolicySection_DefaultsBanRulesAndNoOutboundRules()
    {
        ProxyRotatorConfig config = ConfigJson.Load(ConfigJson.Document(string.Empty));

        Assert.True(config.Policy.Outbound.IsEmpty);
        Assert.Contains(config.Policy.Bans.Rules, r => r.Status.SequenceEqual([429]) && r.Body is null && r.Header is null);
        Assert.Contains(config.Policy.Bans.Rules, r => r.Body == "captcha");
    }

    [Fact]
    public void Load_BadOutboundRule_NamesTheRuleAndItsPath()
    {
        ConfigJson.SingleError(ConfigJson.Document("'policy': { 'outbound': { 'deny': [ 'port:99999' ] } }"),
            "policy.outbound.deny[0]", "'port:99999'");
    }

    [Fact]
    public void Load_BanRuleWithoutStatus_IsAnError()
    {
        ConfigJson.SingleError(ConfigJson.Document("'policy': { 'bans': { 'rules': [ { 'body': 'captcha' } ] } }"),
            "policy.bans.rules[0].status", "at least one HTTP status");
    }
}
