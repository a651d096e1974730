using System.Text.Json;
using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Core.Configuration;

/// <summary>
/// Reads the fields issue 12 adds to <c>pools[]</c>: an upstream's <c>kind</c>, <c>dialect</c>, <c>template</c> and
/// <c>countries</c>, and <c>cost</c> on pools and upstreams. Kept apart from <see cref="PoolsParser"/> so that the
/// two change independently.
/// </summary>
public static class BackconnectEntryParser
{
    /// <summary>The most a cost may say per GB or per request (a typo guard, not a business rule).</summary>
    public const decimal MaxCost = 1_000_000m;

    private static readonly string[] _kinds = ["static", "backconnect"];

    /// <summary>
    /// Reads <c>kind</c> and, for <c>backconnect</c>, <c>dialect</c>, <c>template</c> and <c>countries</c>; reports
    /// those fields on a static entry. Null for a static entry.
    /// </summary>
    internal static BackconnectOptions? ReadKind(JsonObjectReader reader, UpstreamEndpoint? endpoint, UpstreamType? type)
    {
        ConfigReadContext context = reader.Context;
        string kind = reader.String("kind") ?? "static";
        if (!_kinds.Contains(kind, StringComparer.Ordinal))
        {
            context.Error(reader.PathOf("kind"), $"unknown kind '{kind}' (expected static or backconnect)");
            return null;
        }

        if (kind == "static")
        {
            foreach (string field in (string[])["dialect", "template", "countries"])
            {
                if (reader.TryGet(field, out _))
                {
                    context.Error(reader.PathOf(field), "only for \"kind\": \"backconnect\"");
                }
            }

            return null;
        }

        foreach (string field in (string[])["country", "city"])
        {
            if (reader.TryGet(field, out _))
            {
                context.Error(reader.PathOf(field), "a backconnect upstream serves several countries: list them in \"countries\"");
            }
        }

        CountryCoverage countries = ReadCountries(reader) ?? CountryCoverage.All;
        string? dialectName = reader.String("dialect", required: true);
        if (dialectName is null)
        {
            return null;
        }

        IBackconnectDialect dialect;
        TemplateDialectOptions? template = null;
        if (dialectName == BackconnectDialectNames.Template)
        {
            JsonObjectReader? templateReader = reader.Object("template");
            if (templateReader is null)
            {
                if (!reader.TryGet("template", out _))
                {
                    context.Error(reader.PathOf("template"), "is required for \"dialect\": \"template\"");
                }

                return null;
            }

            template = ReadTemplate(templateReader);
            if (!TemplateDialect.TryCreate(template, out TemplateDialect? compiled, out string? error))
            {
                context.Error(templateReader.Path, error!);
                return null;
            }

            dialect = compiled!;
        }
        else
        {
            if (reader.TryGet("template", out _))
            {
                context.Error(reader.PathOf("template"), "only for \"dialect\": \"template\"");
            }

            if (!BackconnectDialectRegistry.BuiltIn.TryGet(dialectName, out IBackconnectDialect? builtIn) || builtIn.Name != dialectName)
            {
                context.Error(reader.PathOf("dialect"),
                    $"unknown dialect '{dialectName}' (expected {string.Join(", ", BackconnectDialectRegistry.BuiltIn.Names)} or template)");
                return null;
            }

            dialect = builtIn;
        }

        if (endpoint is not null && BackconnectUpstream.CheckBaseCredentials(dialect, endpoint, type ?? UpstreamType.Residential) is { } refusal)
        {
            context.Error(reader.PathOf("url"), $"the {dialectName} dialect cannot use these credentials: {refusal.Message}");
        }

        return new BackconnectOptions { DialectName = dialectName, Dialect = dialect, Template = template, Countries = countries };
    }

    /// <summary>Reads <c>cost</c>: <c>{ "perGb": n, "perRequest": n }</c>, at least one, each 0 .. <see cref="MaxCost"/>.</summary>
    internal static UpstreamCost? ReadCost(JsonObjectReader parent)
    {
        JsonObjectReader? reader = parent.Object("cost");
        if (reader is null)
        {
            return null;
        }

        decimal? perGb = ReadAmount(reader, "perGb");
        decimal? perRequest = ReadAmount(reader, "perRequest");
        reader.RejectUnknownFields();
        if (parent.TryGet("cost", out JsonElement cost) && !cost.EnumerateObject().Any())
        {
            reader.Context.Error(reader.Path, "must give perGb, perRequest or both");
            return null;
        }

        return perGb is null && perRequest is null ? null : new UpstreamCost(perGb, perRequest);
    }

    private static decimal? ReadAmount(JsonObjectReader reader, string name)
    {
        if (!reader.TryGet(name, out JsonElement element))
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDecimal(out decimal amount))
        {
            reader.Context.Error(reader.PathOf(name), $"must be a number, not {ConfigReadContext.Describe(element)}");
            return null;
        }

        if (amount < 0 || amount > MaxCost)
        {
            reader.Context.Error(reader.PathOf(name), $"must be between 0 and {MaxCost} (got {element.GetRawText()})");
            return null;
        }

        return amount;
    }

    private static CountryCoverage? ReadCountries(JsonObjectReader reader)
    {
        if (!reader.TryGet("countries", out JsonElement element))
        {
            return null;
        }

        string path = reader.PathOf("countries");
        if (element.ValueKind == JsonValueKind.String)
        {
            if (element.GetString() != "*")
            {
                reader.Context.Error(path, "must be \"*\" (every country) or a list of ISO 3166-1 alpha-2 codes");
            }

            return CountryCoverage.All;
        }

        var codes = new HashSet<string>(StringComparer.Ordinal);
        bool any = false;
        foreach ((JsonElement item, string itemPath) in reader.Array("countries"))
        {
            any = true;
            string? text = reader.Context.ReadString(item, itemPath);
            if (text is null)
            {
                continue;
            }

            if (!IsoCountryCodes.TryNormalize(text, out string? code))
            {
                reader.Context.Error(itemPath, $"'{text}' is not an ISO 3166-1 alpha-2 country code (e.g. DE, US, GB)");
            }
            else if (!codes.Add(code!))
            {
                reader.Context.Error(itemPath, $"'{text}' is listed twice");
            }
        }

        if (!any && element.ValueKind == JsonValueKind.Array)
        {
            reader.Context.Error(path, "must list at least one country, or be \"*\"");
        }

        return CountryCoverage.Of(codes);
    }

    private static TemplateDialectOptions ReadTemplate(JsonObjectReader reader)
    {
        var template = new TemplateDialectOptions();
        template.Username = reader.String("username") ?? template.Username;
        template.Password = reader.String("password") ?? template.Password;
        template.CountryCase = ReadEnum(reader, "countryCase", ["lower", "upper"], template.CountryCase);
        template.ValueCase = ReadEnum(reader, "valueCase", ["lower", "upper"], template.ValueCase);
        template.Separator = reader.String("separator") ?? template.Separator;
        template.TtlUnit = ReadEnum(reader, "ttlUnit", ["seconds", "minutes", "hours", "suffixed"], template.TtlUnit);
        template.MaxTtl = reader.Duration("maxTtl", TimeSpan.FromSeconds(1), TimeSpan.FromDays(365));
        template.SessionLength = reader.Int("sessionLength", 4, VendorSessionIdFormat.MaxLength) ?? template.SessionLength;
        template.SessionCharset = ReadEnum(reader, "sessionCharset", ["lower-alphanumeric", "alphanumeric", "hex", "digits"], template.SessionCharset);
        reader.RejectUnknownFields();
        return template;
    }

    /// <summary>An enum written as one of <paramref name="names"/>, in the enum's declaration order.</summary>
    private static TEnum ReadEnum<TEnum>(JsonObjectReader reader, string name, string[] names, TEnum fallback)
        where TEnum : struct, Enum
    {
        string? text = reader.String(name);
        if (text is null)
        {
            return fallback;
        }

        int index = Array.IndexOf(names, text);
        if (index < 0)
        {
            reader.Context.Error(reader.PathOf(name), $"'{text}' is not one of {string.Join(", ", names)}");
            return fallback;
        }

        return (TEnum)Enum.ToObject(typeof(TEnum), index);
    }
}
