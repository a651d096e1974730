using System.Text.Json;
using ProxyRotator.Core.GeoIp;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Core.Configuration;

/// <summary>Reads <c>pools[]</c>: names, default types, static proxies (URL or object) and provider APIs.</summary>
internal static class PoolsParser
{
    /// <summary>Field names a provider's <c>fieldMap</c> may map.</summary>
    public static readonly IReadOnlySet<string> MappableFields =
        new HashSet<string>(["url", "host", "port", "username", "password", "type", "country", "city", "kind", "dialect", "countries"], StringComparer.Ordinal);

    public static List<PoolOptions> Read(JsonObjectReader root)
    {
        ConfigReadContext context = root.Context;
        var pools = new List<PoolOptions>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((JsonElement element, string path) in root.Array("pools"))
        {
            if (JsonObjectReader.Open(element, path, context) is not { } reader)
            {
                continue;
            }

            var pool = new PoolOptions();
            if (reader.String("name", required: true) is { } name)
            {
                string namePath = reader.PathOf("name");
                if (!IsPoolName(name))
                {
                    context.Error(namePath, $"'{name}' must be 1-64 characters of a-z, 0-9 and '_' (clients write '-pool-{name}' in the username, where '-' separates parameters)");
                }
                else if (!names.TryAdd(name, path))
                {
                    context.Error(namePath, $"duplicate pool name '{name}' (also {names[name]})");
                }

                pool.Name = name;
            }

            if (reader.TryGet("type", out JsonElement type) && ReadType(context, type, reader.PathOf("type")) is { } poolType)
            {
                pool.Type = poolType;
            }

            pool.Local = reader.Bool("local") ?? false;
            pool.Udp = reader.Bool("udp") ?? false;
            pool.ExclusiveExits = reader.Bool("exclusiveExits") ?? false;

            var proxies = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach ((JsonElement proxy, string proxyPath) in reader.Array("proxies"))
            {
                if (ReadProxy(context, proxy, proxyPath) is not { } entry)
                {
                    continue;
                }

                if (!proxies.TryAdd(entry.Endpoint.Address, proxyPath))
                {
                    context.Error(proxyPath, $"duplicate proxy {entry.Endpoint.Address} (same scheme, host and port as {proxies[entry.Endpoint.Address]})");
                    continue;
                }

                if (pool.Udp && entry.Endpoint.Scheme != UpstreamScheme.Socks5)
                {
                    context.Error(proxyPath, $"the pool has \"udp\": true, so its proxies must be socks5:// (UDP ASSOCIATE is SOCKS5 only), not {entry.Endpoint.Scheme.ToString().ToLowerInvariant()}");
                }

                pool.Proxies.Add(entry);
            }

            var providers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach ((JsonElement provider, string providerPath) in reader.Array("providers"))
            {
                if (ReadProvider(context, provider, providerPath) is not { } options)
                {
                    continue;
                }

                if (options.Name.Length > 0 && !providers.TryAdd(options.Name, providerPath))
                {
                    context.Error(ConfigReadContext.PropertyPath(providerPath, "name"), $"duplicate provider name '{options.Name}' in this pool (also {providers[options.Name]})");
                    continue;
                }

                pool.Providers.Add(options);
            }

            pool.Cost = BackconnectEntryParser.ReadCost(reader);
            reader.RejectUnknownFields();
            pools.Add(pool);
        }

        return pools;
    }

    private static bool IsPoolName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');

    private static UpstreamType? ReadType(ConfigReadContext context, JsonElement element, string path)
    {
        string? text = context.ReadString(element, path);
        if (text is null)
        {
            return null;
        }

        if (!UpstreamTypeNames.TryParse(text, out UpstreamType type))
        {
            context.Error(path, $"unknown type '{text}' (expected {UpstreamTypeNames.Expected})");
            return null;
        }

        return type;
    }

    private static ProxyEntryOptions? ReadProxy(ConfigReadContext context, JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            UpstreamEndpoint? endpoint = ReadEndpoint(context, element, path);
            return endpoint is null ? null : new ProxyEntryOptions { Endpoint = endpoint };
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            context.Error(path, $"must be a proxy URL string or an object {{url, country, city, type, local, kind, dialect, countries, cost}}, not {ConfigReadContext.Describe(element)}");
            return null;
        }

        JsonObjectReader reader = JsonObjectReader.Open(element, path, context)!;
        UpstreamEndpoint? parsed = null;
        if (reader.TryGet("url", out JsonElement url))
        {
            parsed = ReadEndpoint(context, url, reader.PathOf("url"));
        }
        else
        {
            context.Error(reader.PathOf("url"), "is required");
        }

        string? country = null;
        if (reader.String("country") is { } countryText)
        {
            if (IsoCountryCodes.TryNormalize(countryText, out string? code))
            {
                country = code;
            }
            else
            {
                context.Error(reader.PathOf("country"), $"'{countryText}' is not an ISO 3166-1 alpha-2 country code (e.g. DE, US, GB)");
            }
        }

        string? city = null;
        if (reader.String("city") is { } cityText)
        {
            if (CityNames.TryNormalize(cityText, out string normalized))
            {
                city = normalized;
            }
            else
            {
                context.Error(reader.PathOf("city"), $"'{cityText}' is not a city name (letters, digits, spaces, '-' and '_', at most {CityNames.MaxLength})");
            }
        }

        UpstreamType? type = reader.TryGet("type", out JsonElement typeElement) ? ReadType(context, typeElement, reader.PathOf("type")) : null;
        BackconnectOptions? backconnect = BackconnectEntryParser.ReadKind(reader, parsed, type);
        UpstreamCost? cost = BackconnectEntryParser.ReadCost(reader);
        bool local = reader.Bool("local") ?? false;
        reader.RejectUnknownFields();
        return parsed is null ? null : new ProxyEntryOptions { Endpoint = parsed, Country = country, City = city, Type = type, Backconnect = backconnect, Cost = cost, Local = local };
    }

    private static UpstreamEndpoint? ReadEndpoint(ConfigReadContext context, JsonElement element, string path)
    {
        string? url = context.ReadString(element, path);
        if (url is null)
        {
            return null;
        }

        if (!UpstreamEndpoint.TryParse(url, out UpstreamEndpoint? endpoint, out string? error))
        {
            context.Error(path, error!);
            return null;
        }

        return endpoint;
    }

    private static ProviderOptions? ReadProvider(ConfigReadContext context, JsonElement element, string path)
    {
        if (JsonObjectReader.Open(element, path, context) is not { } reader)
        {
            return null;
        }

        var provider = new ProviderOptions();
        if (reader.String("name", required: true) is { } name)
        {
            if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                context.Error(reader.PathOf("name"), $"'{name}' must be 1-64 letters, digits, '_', '-' or '.'");
            }

            provider.Name = name;
        }

        if (reader.String("url", required: true) is { } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
            {
                context.Error(reader.PathOf("url"), $"'{url}' is not an absolute http:// or https:// URL");
            }

            provider.Url = url;
        }

        provider.ApiKey = reader.String("apiKey");
        provider.Refresh = reader.Duration("refresh", ConfigLimits.MinProviderRefresh, ConfigLimits.MaxProviderRefresh) ?? provider.Refresh;

        if (reader.StringMap("headers") is { } headers)
        {
            foreach ((string header, string value) in headers)
            {
                string headerPath = ConfigReadContext.PropertyPath(reader.PathOf("headers"), header);
                if (header.Length == 0 || !header.All(IsTokenChar))
                {
                    context.Error(headerPath, $"'{header}' is not a valid HTTP header name");
                }
                else if (value.Any(c => c is '\r' or '\n' or '\0'))
                {
                    context.Error(headerPath, "must not contain CR, LF or NUL");
                }
            }

            provider.Headers = headers;
        }

        if (reader.StringMap("fieldMap") is { } fieldMap)
        {
            foreach ((string field, string source) in fieldMap)
            {
                string fieldPath = ConfigReadContext.PropertyPath(reader.PathOf("fieldMap"), field);
                if (!MappableFields.Contains(field))
                {
                    context.Error(fieldPath, $"unknown field '{field}' (mappable: {string.Join(", ", MappableFields)})");
                }
                else if (source.Length == 0)
                {
                    context.Error(fieldPath, "must name the provider's JSON field");
                }
            }

            provider.FieldMap = fieldMap;
        }

        reader.RejectUnknownFields();
        return provider;
    }

    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
