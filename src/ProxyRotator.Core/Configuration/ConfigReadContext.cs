using System.Globalization;
using System.Text.Json;

namespace ProxyRotator.Core.Configuration;

/// <summary>
/// State of one configuration read: the file name for messages, the directory relative paths start from, the
/// environment lookup, and the errors found so far. Reads convert JSON values with their path so that every
/// error can say where it is; a value that fails is reported and skipped, so reading goes on and finds the rest.
/// </summary>
internal sealed class ConfigReadContext(string file, string baseDirectory, Func<string, string?> environment)
{
    private readonly List<ConfigError> _errors = [];

    public string File { get; } = file;

    public string BaseDirectory { get; } = baseDirectory;

    public IReadOnlyList<ConfigError> Errors => _errors;

    public void Error(string path, string reason) => _errors.Add(new ConfigError(File, path, reason));

    public string ResolvePath(string path) => Path.GetFullPath(Path.Combine(BaseDirectory, path));

    /// <summary>
    /// As <see cref="ResolvePath"/>, false for text that is no path on this system (a NUL character, found by the
    /// configuration fuzz test: <see cref="Path.GetFullPath(string)"/> throws on it), so it becomes a config error.
    /// </summary>
    public bool TryResolvePath(string path, out string fullPath)
    {
        try
        {
            fullPath = ResolvePath(path);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            fullPath = path;
            return false;
        }
    }

    public static string PropertyPath(string parent, string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] is '_' or '$') && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '$')
            ? (parent is "$" or "" ? name : $"{parent}.{name}")
            : $"{(parent is "" ? "$" : parent)}[{JsonSerializer.Serialize(name)}]";

    public static string ElementPath(string parent, int index) => $"{parent}[{index.ToString(CultureInfo.InvariantCulture)}]";

    /// <summary>A string value with <c>${ENV}</c> references substituted; null (reported) when it is not a string.</summary>
    public string? ReadString(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            Error(path, $"must be a string, not {Describe(element)}");
            return null;
        }

        string raw = element.GetString()!;
        if (!EnvironmentSubstitution.TrySubstitute(raw, environment, out string value, out string? error))
        {
            Error(path, error!);
            return null;
        }

        return value;
    }

    public int? ReadInt(JsonElement element, string path, int min, int max)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out long number))
        {
            Error(path, $"must be a whole number, not {Describe(element)}");
            return null;
        }

        if (number < min || number > max)
        {
            Error(path, $"must be between {min} and {max} (got {number})");
            return null;
        }

        return (int)number;
    }

    public bool? ReadBool(JsonElement element, string path)
    {
        if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Error(path, $"must be true or false, not {Describe(element)}");
            return null;
        }

        return element.GetBoolean();
    }

    public TimeSpan? ReadDuration(JsonElement element, string path, TimeSpan min, TimeSpan max)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            Error(path, $"must be a duration string such as \"5s\", \"10m\" or \"2h\", not {Describe(element)}");
            return null;
        }

        string? text = ReadString(element, path);
        if (text is null)
        {
            return null;
        }

        if (!DurationParser.TryParse(text, out TimeSpan duration, out string? error))
        {
            Error(path, error!);
            return null;
        }

        if (duration < min || duration > max)
        {
            Error(path, duration <= TimeSpan.Zero
                ? $"must be a positive duration of at least {DurationParser.Format(min)}"
                : $"must be between {DurationParser.Format(min)} and {DurationParser.Format(max)} (got {DurationParser.Format(duration)})");
            return null;
        }

        return duration;
    }

    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"{element.GetRawText()}",
        JsonValueKind.Null => "null",
        _ => element.ValueKind.ToString(),
    };
}
