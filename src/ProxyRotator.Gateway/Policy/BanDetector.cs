using System.Text;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Policy;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Gateway.Policy;

/// <summary>
/// Recognises a ban in a forwarded response (<c>policy.bans.rules</c>, issue 13 §5) and records it for the pair
/// (exit, registrable domain of the target) in the <see cref="SiteBanList"/>. Status and header rules are judged when
/// the head arrives; body rules watch the first <c>inspectBytes</c> of the body as it streams to the client
/// (<see cref="BanBodyInspector"/>), only for a status some rule names and only for an uncompressed body (a gzip or
/// brotli body is not decoded, so body markers are not seen in it — a documented limit). A response whose status no
/// rule names costs one array look-up.
/// </summary>
public sealed class BanDetector
{
    private readonly Rule[] _rules;
    private readonly bool[] _statuses = new bool[600];
    private readonly int _inspectBytes;
    private readonly SiteBanList _bans;
    private readonly ILogger<BanDetector> _logger;

    public BanDetector(BanOptions options, SiteBanList bans, ILogger<BanDetector> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _bans = bans;
        _logger = logger;
        _inspectBytes = options.InspectBytes;
        _rules = options.Detect ? [.. options.Rules.Select(Rule.From)] : [];
        foreach (Rule rule in _rules)
        {
            foreach (int status in rule.Statuses)
            {
                _statuses[status] = true;
            }
        }
    }

    /// <summary>
    /// Judges a response of the origin (<paramref name="response"/>) to <paramref name="targetHost"/> through
    /// <paramref name="upstream"/>: records a ban at once when a status/header rule matches, and returns the content
    /// to relay — the original, or a wrapper that watches the body for the rules that need it.
    /// </summary>
    public HttpContent Watch(string targetHost, UpstreamProxy upstream, HttpResponseMessage response) =>
        Inspect(targetHost, upstream, response) is { } inspector ? new BanInspectingContent(response.Content, inspector) : response.Content;

    /// <summary>Whether some rule names this status (else <see cref="Inspect"/> has nothing to do).</summary>
    public bool Judges(int status) => status is >= 0 and < 600 && _statuses[status];

    /// <summary>
    /// Judges the response's status and headers (recording a ban at once when such a rule matches) and returns the
    /// inspector its body must be shown to, or null when no body rule applies.
    /// </summary>
    internal BanBodyInspector? Inspect(string targetHost, UpstreamProxy upstream, HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        int status = (int)response.StatusCode;
        if (!Judges(status))
        {
            return null;
        }

        List<Rule>? bodyRules = null;
        foreach (Rule rule in _rules)
        {
            if (!rule.Statuses.Contains(status) || (rule.HeaderName is not null && !HeaderMatches(response, rule)))
            {
                continue;
            }

            if (rule.Body is null)
            {
                Record(targetHost, upstream, rule);
                return null;
            }

            (bodyRules ??= []).Add(rule);
        }

        if (bodyRules is null || _inspectBytes == 0 || IsEncoded(response.Content))
        {
            return null;
        }

        Rule[] watched = [.. bodyRules];
        return new BanBodyInspector([.. watched.Select(r => r.Body!)], _inspectBytes, index => Record(targetHost, upstream, watched[index]));
    }

    private void Record(string targetHost, UpstreamProxy upstream, Rule rule)
    {
        string site = RegistrableDomain.ToKey(targetHost);
        ExitKey exit = ExitKey.Of(upstream);
        SiteBan ban = _bans.Report(site, exit, BanSource.Detected, rule.Text);
        PolicyLog.BanRecorded(_logger, site, exit.ToString(), ban.Strikes, ban.Until - ban.BannedAt, BanSource.Detected);
    }

    private static bool HeaderMatches(HttpResponseMessage response, Rule rule)
    {
        if (!response.Headers.TryGetValues(rule.HeaderName!, out IEnumerable<string>? values)
            && !response.Content.Headers.TryGetValues(rule.HeaderName!, out values))
        {
            return false;
        }

        if (rule.HeaderValue is null)
        {
            return true;
        }

        foreach (string value in values)
        {
            if (value.Contains(rule.HeaderValue, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsEncoded(HttpContent content)
    {
        foreach (string encoding in content.Headers.ContentEncoding)
        {
            if (!encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One compiled rule: statuses, an optional header name (and text its value must contain), an optional lower-cased body marker.</summary>
    private sealed record Rule(int[] Statuses, string? HeaderName, string? HeaderValue, byte[]? Body, string Text)
    {
        public static Rule From(BanRuleOptions options)
        {
            string? name = null, value = null;
            if (options.Header is { } header)
            {
                string[] parts = header.Split(':', 2, StringSplitOptions.TrimEntries);
                name = parts[0];
                value = parts.Length > 1 && parts[1].Length > 0 ? parts[1] : null;
            }

            byte[]? body = options.Body is { } marker ? Encoding.UTF8.GetBytes(marker.ToLowerInvariant()) : null;
            return new Rule([.. options.Status.Where(s => s is >= 100 and < 600)], name, value, body, options.ToString());
        }
    }
}
