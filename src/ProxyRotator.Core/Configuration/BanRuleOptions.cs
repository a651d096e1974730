namespace ProxyRotator.Core.Configuration;

/// <summary>
/// One rule of <c>policy.bans.rules</c>: a response with one of <see cref="Status"/> is a ban when it also carries
/// <see cref="Header"/> (a name, or <c>name: text</c> for a value containing the text) and its body's first bytes
/// contain <see cref="Body"/> (case-insensitive), where given. A rule with neither makes the status alone a ban.
/// </summary>
public sealed class BanRuleOptions
{
    public List<int> Status { get; set; } = [];

    public string? Header { get; set; }

    public string? Body { get; set; }

    /// <summary>The built-in rules: 429 alone; 403/503 with a Cloudflare challenge header; 403/429/503 with a captcha or block-page marker.</summary>
    public static List<BanRuleOptions> Defaults() =>
    [
        new() { Status = [429] },
        new() { Status = [403, 503], Header = "cf-mitigated: challenge" },
        new() { Status = [403, 429, 503], Body = "captcha" },
        new() { Status = [403, 503], Body = "cf-chl" },
        new() { Status = [403], Body = "access denied" },
        new() { Status = [403, 429, 503], Body = "unusual traffic" },
        new() { Status = [403, 429, 503], Body = "are you a robot" },
    ];

    public override string ToString() =>
        string.Join('/', Status) + (Header is null ? string.Empty : " header '" + Header + "'") + (Body is null ? string.Empty : " body '" + Body + "'");
}
