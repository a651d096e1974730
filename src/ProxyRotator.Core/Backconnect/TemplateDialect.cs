using System.Globalization;
using System.Text;
using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Core.Backconnect;

/// <summary>
/// The dialect for any other vendor, written as templates (<see cref="TemplateDialectOptions"/>). A targeting
/// parameter whose placeholder is missing from both templates is refused; a <c>{ttl}</c> that the template lacks is
/// enforced by ProxyRotator (a new vendor session id at the TTL), as for the built-ins without a lifetime parameter.
/// </summary>
public sealed class TemplateDialect : IBackconnectDialect
{
    private static readonly string[] _placeholders = ["user", "password", "country", "city", "state", "asn", "session", "ttl", "strict"];
    private static readonly string[] _separators = ["_", "", ".", "+"];

    private readonly TemplateDialectOptions _options;
    private readonly Part[] _username;
    private readonly Part[] _password;
    private readonly HashSet<string> _used;
    private readonly VendorSessionIdFormat _sessionFormat;

    private TemplateDialect(TemplateDialectOptions options, Part[] username, Part[] password, VendorSessionIdFormat sessionFormat)
    {
        _options = options;
        _username = username;
        _password = password;
        _sessionFormat = sessionFormat;
        _used = new HashSet<string>(
            username.Concat(password).SelectMany(p => p.Group ?? [p]).Where(p => p.Placeholder is not null).Select(p => p.Placeholder!),
            StringComparer.Ordinal);
    }

    public string Name => BackconnectDialectNames.Template;

    /// <summary>Compiles the templates; false with a reason (for the configuration error) when they are malformed.</summary>
    public static bool TryCreate(TemplateDialectOptions options, out TemplateDialect? dialect, out string? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        dialect = null;
        if (!_separators.Contains(options.Separator, StringComparer.Ordinal))
        {
            error = "separator must be \"_\", \"\", \".\" or \"+\"";
            return false;
        }

        if (options.SessionLength is < 4 or > VendorSessionIdFormat.MaxLength)
        {
            error = $"sessionLength must be between 4 and {VendorSessionIdFormat.MaxLength}";
            return false;
        }

        if (!TryCompile(options.Username, "username", out Part[]? username, out error)
            || !TryCompile(options.Password, "password", out Part[]? password, out error))
        {
            return false;
        }

        if (options.Username.Contains(':', StringComparison.Ordinal))
        {
            error = "the username template must not contain ':' (it ends the username in Basic authentication)";
            return false;
        }

        dialect = new TemplateDialect(options, username!, password!, new VendorSessionIdFormat(options.SessionLength, options.SessionCharset));
        return true;
    }

    public BackconnectTranslation Translate(in BackconnectRequest request)
    {
        TargetingParameters targeting = request.Targeting;
        if (FirstMissingPlaceholder(targeting) is { } unexpressible)
        {
            return BackconnectTranslation.Refuse(unexpressible, "this upstream's template has no such parameter");
        }

        string? ttl = null;
        if (targeting.SessionId is not null && targeting.SessionTtl is { } sessionTtl && _used.Contains("ttl"))
        {
            if ((_options.MaxTtl is { } max && sessionTtl > max) || !TryFormatTtl(sessionTtl, _options.TtlUnit, out ttl))
            {
                return BackconnectTranslation.Refuse(DialectChecks.SessionTimeKey, _options.MaxTtl is { } limit
                    ? $"this upstream takes whole {UnitName(_options.TtlUnit)} up to {(long)limit.TotalMinutes} minutes"
                    : $"this upstream takes whole {UnitName(_options.TtlUnit)}");
            }
        }

        string? vendorSession = targeting.SessionId is { } sessionId
            ? request.SessionIds.Derive(targeting.Account, sessionId, request.SessionEpoch, _sessionFormat)
            : null;
        var values = new Values(
            request.BaseCredentials.Username,
            request.BaseCredentials.Password,
            targeting.Country is { } country ? Case(country, _options.CountryCase) : null,
            targeting.City is { } city ? Word(city) : null,
            targeting.State is { } state ? Word(state) : null,
            targeting.Asn?.ToString(CultureInfo.InvariantCulture),
            vendorSession,
            ttl,
            targeting.SessionMode == SessionMode.Strict && vendorSession is not null ? string.Empty : null);

        if (!TryRender(_username, values, out string? username, out string? missing)
            || !TryRender(_password, values, out string? password, out missing))
        {
            return BackconnectTranslation.Refuse(missing!, "this upstream's template needs it");
        }

        return BackconnectTranslation.Success(username!, password!, vendorSession);
    }

    /// <summary>The first asked-for parameter whose placeholder neither template has; null when all can be written.</summary>
    private string? FirstMissingPlaceholder(TargetingParameters targeting)
    {
        if (targeting.Country is not null && !_used.Contains("country"))
        {
            return "country";
        }

        if (targeting.City is not null && !_used.Contains("city"))
        {
            return "city";
        }

        if (targeting.State is not null && !_used.Contains("state"))
        {
            return "state";
        }

        if (targeting.Asn is not null && !_used.Contains("asn"))
        {
            return "asn";
        }

        if (targeting.SessionId is null)
        {
            return null;
        }

        if (!_used.Contains("session"))
        {
            return "session";
        }

        return targeting.SessionMode == SessionMode.Strict && !_used.Contains("strict") ? DialectChecks.SessionModeKey : null;
    }

    private static string UnitName(TemplateTtlUnit unit) => unit switch
    {
        TemplateTtlUnit.Seconds => "seconds",
        TemplateTtlUnit.Hours => "hours",
        TemplateTtlUnit.Suffixed => "seconds",
        _ => "minutes",
    };

    private static bool TryFormatTtl(TimeSpan ttl, TemplateTtlUnit unit, out string? text)
    {
        text = null;
        TimeSpan step = unit switch
        {
            TemplateTtlUnit.Seconds or TemplateTtlUnit.Suffixed => TimeSpan.FromSeconds(1),
            TemplateTtlUnit.Hours => TimeSpan.FromHours(1),
            _ => TimeSpan.FromMinutes(1),
        };
        if (ttl < step || ttl.Ticks % step.Ticks != 0)
        {
            return false;
        }

        long seconds = ttl.Ticks / TimeSpan.TicksPerSecond;
        text = unit == TemplateTtlUnit.Suffixed
            ? (seconds % 86400 == 0 ? $"{seconds / 86400}d" : seconds % 3600 == 0 ? $"{seconds / 3600}h" : seconds % 60 == 0 ? $"{seconds / 60}m" : $"{seconds}s")
            : (ttl.Ticks / step.Ticks).ToString(CultureInfo.InvariantCulture);
        return true;
    }

    private static string Case(string value, TemplateCase letterCase) =>
        letterCase == TemplateCase.Upper ? value.ToUpperInvariant() : value.ToLowerInvariant();

    private string Word(string value) =>
        Case(_options.Separator == "_" ? value : value.Replace("_", _options.Separator, StringComparison.Ordinal), _options.ValueCase);

    private static bool TryRender(Part[] parts, Values values, out string? text, out string? missing)
    {
        var builder = new StringBuilder(128);
        missing = null;
        foreach (Part part in parts)
        {
            if (part.Group is { } group)
            {
                if (AllHaveValues(group, values))
                {
                    foreach (Part inner in group)
                    {
                        builder.Append(inner.Placeholder is null ? inner.Literal : values.Get(inner.Placeholder));
                    }
                }
            }
            else if (part.Placeholder is null)
            {
                builder.Append(part.Literal);
            }
            else if (values.Get(part.Placeholder) is { } value)
            {
                builder.Append(value);
            }
            else
            {
                missing = part.Placeholder == "strict" ? DialectChecks.SessionModeKey : part.Placeholder;
                text = null;
                return false;
            }
        }

        text = builder.ToString();
        return true;
    }

    private static bool AllHaveValues(Part[] group, Values values)
    {
        foreach (Part part in group)
        {
            if (part.Placeholder is not null && values.Get(part.Placeholder) is null)
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryCompile(string template, string field, out Part[]? parts, out string? error)
    {
        parts = null;
        var top = new List<Part>();
        List<Part>? group = null;
        var literal = new StringBuilder();
        void Flush()
        {
            if (literal.Length > 0)
            {
                (group ?? top).Add(new Part(literal.ToString(), null, null));
                literal.Clear();
            }
        }

        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if (char.IsControl(c) || c == ' ')
            {
                error = $"the {field} template must not contain spaces or control characters";
                return false;
            }

            switch (c)
            {
                case '[' when group is not null:
                    error = $"the {field} template nests '[' (optional parts cannot nest)";
                    return false;
                case '[':
                    Flush();
                    group = [];
                    break;
                case ']' when group is null:
                    error = $"the {field} template has ']' without '['";
                    return false;
                case ']':
                    Flush();
                    if (!group.Any(p => p.Placeholder is not null))
                    {
                        error = $"the {field} template has an optional part without a placeholder";
                        return false;
                    }

                    top.Add(new Part(null, null, [.. group]));
                    group = null;
                    break;
                case '{':
                    int close = template.IndexOf('}', i + 1);
                    string name = close < 0 ? string.Empty : template[(i + 1)..close];
                    if (!_placeholders.Contains(name, StringComparer.Ordinal))
                    {
                        error = $"the {field} template has an unknown placeholder near '{template[i..Math.Min(template.Length, i + 12)]}' (known: {string.Join(", ", _placeholders.Select(p => "{" + p + "}"))})";
                        return false;
                    }

                    Flush();
                    (group ?? top).Add(new Part(null, name, null));
                    i = close;
                    break;
                case '}':
                    error = $"the {field} template has '}}' without '{{'";
                    return false;
                default:
                    literal.Append(c);
                    break;
            }
        }

        if (group is not null)
        {
            error = $"the {field} template has '[' without ']'";
            return false;
        }

        Flush();
        parts = [.. top];
        error = null;
        return true;
    }

    /// <summary>A literal, a placeholder, or an optional group of both.</summary>
    private sealed record Part(string? Literal, string? Placeholder, Part[]? Group);

    private sealed record Values(
        string User, string Password, string? Country, string? City, string? State, string? Asn, string? Session, string? Ttl, string? Strict)
    {
        public string? Get(string placeholder) => placeholder switch
        {
            "user" => User,
            "password" => Password,
            "country" => Country,
            "city" => City,
            "state" => State,
            "asn" => Asn,
            "session" => Session,
            "ttl" => Ttl,
            _ => Strict,
        };
    }
}
