using System.Text.Json;

namespace ProxyRotator.Core.Configuration;

/// <summary>
/// Reads the fields of one JSON object and remembers which names were asked for, so that
/// <see cref="RejectUnknownFields"/> can report every other field (a typo must not be silently ignored).
/// A field that is absent or <c>null</c> reads as "not given": the option keeps its default.
/// </summary>
internal sealed class JsonObjectReader
{
    private readonly JsonElement _element;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    private JsonObjectReader(JsonElement element, string path, ConfigReadContext context)
    {
        _element = element;
        Path = path;
        Context = context;
    }

    public string Path { get; }

    public ConfigReadContext Context { get; }

    /// <summary>A reader over <paramref name="element"/>, or null (reported) when it is not an object.</summary>
    public static JsonObjectReader? Open(JsonElement element, string path, ConfigReadContext context)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            context.Error(path, $"must be an object, not {ConfigReadContext.Describe(element)}");
            return null;
        }

        return new JsonObjectReader(element, path, context);
    }

    public string PathOf(string name) => ConfigReadContext.PropertyPath(Path, name);

    /// <summary>Marks <paramref name="name"/> as known; true when it is present and not null.</summary>
    public bool TryGet(string name, out JsonElement value)
    {
        _known.Add(name);
        return _element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    /// <summary>Marks a field as known without reading it.</summary>
    public void Allow(string name) => _known.Add(name);

    public string? String(string name, bool required = false)
    {
        if (!TryGet(name, out JsonElement value))
        {
            if (required)
            {
                Context.Error(PathOf(name), "is required");
            }

            return null;
        }

        return Context.ReadString(value, PathOf(name));
    }

    public int? Int(string name, int min, int max) =>
        TryGet(name, out JsonElement value) ? Context.ReadInt(value, PathOf(name), min, max) : null;

    public bool? Bool(string name) =>
        TryGet(name, out JsonElement value) ? Context.ReadBool(value, PathOf(name)) : null;

    public TimeSpan? Duration(string name, TimeSpan min, TimeSpan max) =>
        TryGet(name, out JsonElement value) ? Context.ReadDuration(value, PathOf(name), min, max) : null;

    public JsonObjectReader? Object(string name) =>
        TryGet(name, out JsonElement value) ? Open(value, PathOf(name), Context) : null;

    /// <summary>The elements of an array field with their paths; empty (reported unless absent) when it is not an array.</summary>
    public IEnumerable<(JsonElement Element, string Path)> Array(string name)
    {
        if (!TryGet(name, out JsonElement value))
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Context.Error(PathOf(name), $"must be an array, not {ConfigReadContext.Describe(value)}");
            return [];
        }

        string path = PathOf(name);
        return value.EnumerateArray().Select((element, index) => (element, ConfigReadContext.ElementPath(path, index))).ToList();
    }

    /// <summary>An object of string values (headers, field maps); null when absent.</summary>
    public Dictionary<string, string>? StringMap(string name)
    {
        JsonObjectReader? map = Object(name);
        if (map is null)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty property in map._element.EnumerateObject())
        {
            map._known.Add(property.Name);
            string? value = Context.ReadString(property.Value, map.PathOf(property.Name));
            if (value is not null)
            {
                result[property.Name] = value;
            }
        }

        map.RejectUnknownFields();
        return result;
    }

    /// <summary>Reports fields nobody asked for (with a hint when only the case differs) and repeated fields.</summary>
    public void RejectUnknownFields()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty property in _element.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                Context.Error(PathOf(property.Name), "appears more than once in the same object");
                continue;
            }

            if (_known.Contains(property.Name))
            {
                continue;
            }

            string? hint = _known.FirstOrDefault(k => string.Equals(k, property.Name, StringComparison.OrdinalIgnoreCase))
                ?? _known.FirstOrDefault(k => EditDistance(k, property.Name) <= 2);
            Context.Error(PathOf(property.Name), hint is null
                ? $"unknown field (known here: {string.Join(", ", _known.Where(k => !k.StartsWith('$')).Order(StringComparer.Ordinal))})"
                : $"unknown field (did you mean '{hint}'?)");
        }
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
