using System.Globalization;
using System.Text.Json;
using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.GeoIp;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Store.Sync;

namespace ProxyRotator.Providers.Parsing;

/// <summary>
/// Reads a provider's proxy list: a top-level array, or an object with the array under <c>proxies</c> or
/// <c>data</c>. Each entry is a URL string or an object with <c>url</c> or <c>host</c>/<c>port</c>
/// (+ <c>scheme</c>, <c>username</c>, <c>password</c>) and optional <c>type</c>, <c>country</c>, <c>city</c>;
/// <see cref="ProviderOptions.FieldMap"/> renames any of these (dotted paths reach into nested objects).
/// </summary>
/// <remarks>
/// Entries that fail validation are skipped and named; an answer with no valid entry at all is refused as a whole,
/// because merging it would retire every upstream of the provider (an empty list is far more often a provider
/// glitch than a real "we have nothing for you").
/// </remarks>
public static class ProviderListParser
{
    private static readonly string[] Fields = ["url", "scheme", "host", "port", "username", "password", "type", "country", "city", "kind", "dialect", "countries"];
    private static readonly string[] ListProperties = ["proxies", "data", "items", "results"];
    private const int MaxSkippedReported = 20;

    public static ProviderListParseResult Parse(JsonElement root, ProviderOptions provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        string? unknownField = provider.FieldMap.Keys.FirstOrDefault(k => !Fields.Contains(k, StringComparer.OrdinalIgnoreCase));
        if (unknownField is not null)
        {
            return ProviderListParseResult.Failed($"fieldMap: unknown field '{unknownField}' (known: {string.Join(", ", Fields)})");
        }

        if (!TryFindList(root, out JsonElement list, out string? error))
        {
            return ProviderListParseResult.Failed(error!);
        }

        var upstreams = new List<DiscoveredUpstream>();
        var skipped = new List<string>();
        int index = 0;
        foreach (JsonElement item in list.EnumerateArray())
        {
            if (TryParseEntry(item, provider, out DiscoveredUpstream? upstream, out string? entryError))
            {
                upstreams.Add(upstream!);
            }
            else if (skipped.Count < MaxSkippedReported)
            {
                skipped.Add($"[{index}]: {entryError}");
            }

            index++;
        }

        if (upstreams.Count == 0)
        {
            string detail = skipped.Count > 0 ? $"; first problems: {string.Join("; ", skipped.Take(3))}" : string.Empty;
            return new ProviderListParseResult([], skipped, index == 0 ? "the provider listed no proxies" : $"none of the {index} entries is usable{detail}");
        }

        return new ProviderListParseResult(upstreams, skipped, null);
    }

    private static bool TryFindList(JsonElement root, out JsonElement list, out string? error)
    {
        list = default;
        error = null;
        if (root.ValueKind == JsonValueKind.Array)
        {
            list = root;
            return true;
        }

        if (root.ValueKind == JsonValueKind.Object)
        {
            foreach (string name in ListProperties)
            {
                if (TryGetProperty(root, name, out JsonElement candidate) && candidate.ValueKind == JsonValueKind.Array)
                {
                    list = candidate;
                    return true;
                }
            }

            error = $"expected a JSON array or an object with one of {string.Join(", ", ListProperties)} holding an array";
            return false;
        }

        error = $"expected a JSON array or object, got {root.ValueKind.ToString().ToLowerInvariant()}";
        return false;
    }

    private static bool TryParseEntry(JsonElement item, ProviderOptions provider, out DiscoveredUpstream? upstream, out string? error)
    {
        upstream = null;
        if (item.ValueKind == JsonValueKind.String)
        {
            if (!UpstreamEndpoint.TryParse(item.GetString(), out UpstreamEndpoint? bare, out error))
            {
                return false;
            }

            upstream = new DiscoveredUpstream(bare!);
            return true;
        }

        if (item.ValueKind != JsonValueKind.Object)
        {
            error = $"expected a URL string or an object, got {item.ValueKind.ToString().ToLowerInvariant()}";
            return false;
        }

        UpstreamEndpoint? endpoint;
        string? url = ReadString(item, provider, "url");
        if (url is not null)
        {
            if (!UpstreamEndpoint.TryParse(url, out endpoint, out error))
            {
                return false;
            }

            // Separate credential fields complete a URL that carries none.
            string? user = ReadString(item, provider, "username");
            if (!endpoint!.HasCredentials && user is not null)
            {
                endpoint = endpoint with { Username = user, Password = ReadString(item, provider, "password") ?? string.Empty };
            }
        }
        else if (!TryBuildEndpoint(item, provider, out endpoint, out error))
        {
            return false;
        }

        UpstreamType? type = null;
        string? typeText = ReadString(item, provider, "type");
        if (!string.IsNullOrWhiteSpace(typeText))
        {
            if (!Enum.TryParse(typeText.Trim(), ignoreCase: true, out UpstreamType parsed) || !Enum.IsDefined(parsed) || char.IsDigit(typeText.Trim()[0]))
            {
                error = $"{Name(provider, "type")}: unknown type '{typeText}' (residential, mobile, datacenter, isp)";
                return false;
            }

            type = parsed;
        }

        // The one normalisers (design §2): "UK" and "uk" are stored as GB, "São Paulo" as sao_paulo, so a client's
        // -country-uk or -city-sao_paulo reaches this upstream before GeoIP has verified it.
        string? countryText = ReadString(item, provider, "country");
        if (!IsoCountryCodes.TryNormalizeOptional(countryText, out string? country))
        {
            error = $"{Name(provider, "country")}: '{countryText}' is not an ISO 3166-1 alpha-2 code";
            return false;
        }

        string? cityText = ReadString(item, provider, "city");
        if (!CityNames.TryNormalizeOptional(cityText, out string? city))
        {
            error = $"{Name(provider, "city")}: not a city name (letters, digits, spaces, '-' and '_', at most {CityNames.MaxLength})";
            return false;
        }

        if (!TryReadBackconnect(item, provider, endpoint!, type, out BackconnectOptions? backconnect, out error))
        {
            return false;
        }

        if (backconnect is not null && (country is not null || city is not null))
        {
            error = $"{Name(provider, country is not null ? "country" : "city")}: a backconnect gateway serves several countries: list them in {Name(provider, "countries")}";
            return false;
        }

        upstream = new DiscoveredUpstream(endpoint!, type, country, city) { Backconnect = backconnect };
        error = null;
        return true;
    }

    /// <summary>
    /// <c>kind</c> (<c>static</c> or <c>backconnect</c>), <c>dialect</c> (a built-in) and <c>countries</c> (an array of
    /// codes, a comma-separated string, or <c>*</c>); null for a static entry.
    /// </summary>
    private static bool TryReadBackconnect(
        JsonElement item, ProviderOptions provider, UpstreamEndpoint endpoint, UpstreamType? type, out BackconnectOptions? backconnect, out string? error)
    {
        backconnect = null;
        error = null;
        // A provider whose own "kind" field was mapped to another of ours (e.g. type) says nothing about backconnect.
        string kind = (ClaimedByAnotherField(provider, "kind") ? null : ReadString(item, provider, "kind"))?.Trim().ToLowerInvariant() ?? "static";
        if (kind == "static")
        {
            return true;
        }

        if (kind != "backconnect")
        {
            error = $"{Name(provider, "kind")}: unknown kind '{kind}' (static or backconnect)";
            return false;
        }

        string? dialectName = ReadString(item, provider, "dialect")?.Trim().ToLowerInvariant();
        if (dialectName is null || !BackconnectDialectRegistry.BuiltIn.TryGet(dialectName, out IBackconnectDialect? dialect))
        {
            error = $"{Name(provider, "dialect")}: expected one of {string.Join(", ", BackconnectDialectRegistry.BuiltIn.Names)}";
            return false;
        }

        var codes = new List<string>();
        if (Find(item, provider, "countries") is { } countries)
        {
            IEnumerable<string?> listed = countries.ValueKind switch
            {
                JsonValueKind.Array => countries.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : null),
                JsonValueKind.String => countries.GetString()!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                _ => [null],
            };
            foreach (string? code in listed)
            {
                if (code == "*")
                {
                    codes.Clear();
                    break;
                }

                if (!IsoCountryCodes.TryNormalize(code, out string? normalized))
                {
                    error = $"{Name(provider, "countries")}: '{code}' is not an ISO 3166-1 alpha-2 code (or \"*\")";
                    return false;
                }

                codes.Add(normalized!);
            }
        }

        if (BackconnectUpstream.CheckBaseCredentials(dialect, endpoint, type ?? UpstreamType.Residential) is { } refusal)
        {
            error = $"the {dialect.Name} dialect cannot use these credentials: {refusal.Message}";
            return false;
        }

        backconnect = new BackconnectOptions
        {
            DialectName = dialect.Name,
            Dialect = dialect,
            Countries = codes.Count == 0 ? CountryCoverage.All : CountryCoverage.Of(codes.Distinct(StringComparer.Ordinal)),
        };
        return true;
    }

    private static bool ClaimedByAnotherField(ProviderOptions provider, string field) =>
        !provider.FieldMap.Keys.Contains(field, StringComparer.OrdinalIgnoreCase)
        && provider.FieldMap.Values.Contains(field, StringComparer.OrdinalIgnoreCase);

    private static JsonElement? Find(JsonElement item, ProviderOptions provider, string field)
    {
        JsonElement current = item;
        foreach (string segment in Name(provider, field).Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !TryGetProperty(current, segment, out current))
            {
                return null;
            }
        }

        return current.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : current;
    }

    private static bool TryBuildEndpoint(JsonElement item, ProviderOptions provider, out UpstreamEndpoint? endpoint, out string? error)
    {
        endpoint = null;
        string? host = ReadString(item, provider, "host");
        if (string.IsNullOrWhiteSpace(host))
        {
            error = $"neither {Name(provider, "url")} nor {Name(provider, "host")} is given";
            return false;
        }

        string? portText = ReadString(item, provider, "port");
        if (portText is null || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            error = $"{Name(provider, "port")}: missing or not a port number 1-65535";
            return false;
        }

        string scheme = ReadString(item, provider, "scheme")?.Trim().ToLowerInvariant() ?? "http";
        string? user = ReadString(item, provider, "username");
        string? password = ReadString(item, provider, "password");
        string hostPart = host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host.Trim()}]" : host.Trim();
        string credentials = user is null ? string.Empty : $"{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password ?? string.Empty)}@";
        return UpstreamEndpoint.TryParse($"{scheme}://{credentials}{hostPart}:{port}", out endpoint, out error);
    }

    private static string Name(ProviderOptions provider, string field) =>
        provider.FieldMap.FirstOrDefault(p => string.Equals(p.Key, field, StringComparison.OrdinalIgnoreCase)).Value ?? field;

    /// <summary>Reads a field as text (numbers too, for ports); null when absent or JSON null.</summary>
    private static string? ReadString(JsonElement item, ProviderOptions provider, string field)
    {
        JsonElement current = item;
        foreach (string segment in Name(provider, field).Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !TryGetProperty(current, segment, out current))
            {
                return null;
            }
        }

        return current.ValueKind switch
        {
            JsonValueKind.String => current.GetString(),
            JsonValueKind.Number => current.GetRawText(),
            _ => null,
        };
    }

    // Providers are inconsistent about case ("Host", "IP", "countryCode"); match names case-insensitively.
    private static bool TryGetProperty(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.TryGetProperty(name, out value))
        {
            return true;
        }

        foreach (JsonProperty property in obj.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        return false;
    }
}
