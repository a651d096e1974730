using System.Text.Json;
using ProxyRotator.Core.Policy;

namespace ProxyRotator.Core.Configuration;

/// <summary>Reads the <c>policy</c> section and the <c>outbound</c> rules of users (kept apart from <see cref="ConfigDocumentParser"/>).</summary>
internal static class PolicyParser
{
    public const int MaxRules = 10_000;
    public const int MaxInspectBytes = 1 << 20;

    public static void Read(JsonObjectReader reader, PolicyOptions options)
    {
        options.Outbound = ReadOutbound(reader, "outbound") ?? options.Outbound;
        if (reader.Object("bans") is { } bans)
        {
            ReadBans(bans, options.Bans);
        }

        if (reader.Object("exclusive") is { } exclusive)
        {
            options.Exclusive.Window = exclusive.Duration("window", TimeSpan.FromSeconds(1), TimeSpan.FromDays(30)) ?? options.Exclusive.Window;
            options.Exclusive.MaxEntries = exclusive.Int("maxEntries", 1, 10_000_000) ?? options.Exclusive.MaxEntries;
            exclusive.RejectUnknownFields();
        }

        reader.RejectUnknownFields();
    }

    /// <summary><c>{ "allow": [...], "deny": [...] }</c> compiled to <see cref="OutboundRules"/>; null when absent or invalid (errors reported).</summary>
    public static OutboundRules? ReadOutbound(JsonObjectReader parent, string name)
    {
        if (parent.Object(name) is not { } reader)
        {
            return null;
        }

        List<string>? allow = ReadRuleList(reader, "allow");
        List<string>? deny = ReadRuleList(reader, "deny");
        reader.RejectUnknownFields();
        if (allow is null || deny is null)
        {
            return null;
        }

        if (!OutboundRules.TryParse(allow, deny, out OutboundRules rules, out string? error))
        {
            reader.Context.Error(reader.Path, error!);
            return null;
        }

        return rules;
    }

    private static List<string>? ReadRuleList(JsonObjectReader reader, string name)
    {
        var rules = new List<string>();
        bool valid = true;
        foreach ((JsonElement element, string path) in reader.Array(name))
        {
            if (reader.Context.ReadString(element, path) is not { } rule)
            {
                valid = false;
                continue;
            }

            if (!OutboundRules.TryParse([rule], null, out _, out string? error))
            {
                reader.Context.Error(path, error!.Replace("allow rule", "rule", StringComparison.Ordinal));
                valid = false;
                continue;
            }

            rules.Add(rule);
        }

        if (rules.Count > MaxRules)
        {
            reader.Context.Error(reader.PathOf(name), $"at most {MaxRules} rules");
            valid = false;
        }

        return valid ? rules : null;
    }

    private static void ReadBans(JsonObjectReader reader, BanOptions bans)
    {
        ConfigReadContext context = reader.Context;
        bans.Detect = reader.Bool("detect") ?? bans.Detect;
        bans.InspectBytes = reader.Int("inspectBytes", 0, MaxInspectBytes) ?? bans.InspectBytes;
        bans.Cooldown = reader.Duration("cooldown", TimeSpan.FromSeconds(1), TimeSpan.FromDays(30)) ?? bans.Cooldown;
        bans.MaxCooldown = reader.Duration("maxCooldown", TimeSpan.FromSeconds(1), TimeSpan.FromDays(365)) ?? bans.MaxCooldown;
        bans.ForgiveAfter = reader.Duration("forgiveAfter", TimeSpan.FromSeconds(1), TimeSpan.FromDays(365)) ?? bans.ForgiveAfter;
        bans.MaxEntries = reader.Int("maxEntries", 1, 10_000_000) ?? bans.MaxEntries;
        if (bans.MaxCooldown < bans.Cooldown)
        {
            context.Error(reader.PathOf("maxCooldown"), $"must not be shorter than cooldown ({DurationParser.Format(bans.Cooldown)})");
        }

        if (reader.TryGet("rules", out _))
        {
            var rules = new List<BanRuleOptions>();
            foreach ((JsonElement element, string path) in reader.Array("rules"))
            {
                if (JsonObjectReader.Open(element, path, context) is not { } rule)
                {
                    continue;
                }

                var parsed = new BanRuleOptions();
                foreach ((JsonElement status, string statusPath) in rule.Array("status"))
                {
                    if (context.ReadInt(status, statusPath, 100, 599) is { } code)
                    {
                        parsed.Status.Add(code);
                    }
                }

                if (parsed.Status.Count == 0)
                {
                    context.Error(rule.PathOf("status"), "must list at least one HTTP status, e.g. [403, 429]");
                }

                parsed.Header = NonEmpty(rule, "header");
                parsed.Body = NonEmpty(rule, "body");
                if (parsed.Header is { } header && header.Split(':', 2)[0].Trim().Length == 0)
                {
                    context.Error(rule.PathOf("header"), "expected a header name, or 'name: text'");
                }

                rule.RejectUnknownFields();
                rules.Add(parsed);
            }

            bans.Rules = rules;
        }

        reader.RejectUnknownFields();
    }

    private static string? NonEmpty(JsonObjectReader reader, string name)
    {
        string? value = reader.String(name);
        if (value is not null && value.Trim().Length == 0)
        {
            reader.Context.Error(reader.PathOf(name), "must not be empty (leave it out instead)");
            return null;
        }

        return value;
    }
}
