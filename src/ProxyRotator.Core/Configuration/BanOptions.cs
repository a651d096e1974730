namespace ProxyRotator.Core.Configuration;

/// <summary>
/// <c>policy.bans</c>: how a forwarded response is recognised as a site banning the exit, and how long the exit then
/// stays away from that site. The cool-down doubles with each repeated ban (up to <see cref="MaxCooldown"/>); each
/// <see cref="ForgiveAfter"/> without a new ban after a cool-down ends forgets one repeat.
/// </summary>
public sealed class BanOptions
{
    public const int DefaultInspectBytes = 8192;
    public const int DefaultMaxEntries = 100_000;

    /// <summary>Off: responses are not inspected and picks never avoid; reports through the API and username still count.</summary>
    public bool Detect { get; set; } = true;

    /// <summary>The rules; a response is a ban when any rule matches. Defaults: <see cref="BanRuleOptions.Defaults"/>.</summary>
    public List<BanRuleOptions> Rules { get; set; } = BanRuleOptions.Defaults();

    /// <summary>Body bytes a rule with a body pattern may look at, from the start of the body, as they stream past.</summary>
    public int InspectBytes { get; set; } = DefaultInspectBytes;

    public TimeSpan Cooldown { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan MaxCooldown { get; set; } = TimeSpan.FromHours(6);

    public TimeSpan ForgiveAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>(exit, site) pairs remembered at most; beyond it the least recently banned are forgotten first.</summary>
    public int MaxEntries { get; set; } = DefaultMaxEntries;
}
