using System.Text.Json;

namespace ProxyRotator.Core.Configuration;

/// <summary>
/// Loads the configuration file of design §2: JSON with comments and trailing commas, <c>${NAME}</c> and
/// <c>${NAME:-default}</c> substituted from the environment, every field checked. All problems are collected
/// and thrown together as a <see cref="ConfigException"/>, each as <c>FILE: JSON.PATH: reason</c>.
/// Relative paths (the SQLite file, GeoIP databases) are resolved against the file's directory.
/// </summary>
public static class ConfigLoader
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 32,
    };

    /// <param name="path">The file, as the user named it (messages repeat it unchanged).</param>
    /// <param name="environment">Environment lookup; the process environment when null.</param>
    public static ProxyRotatorConfig Load(string path, Func<string, string?>? environment = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigException([new ConfigError(path, "$", "the file does not exist")]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([new ConfigError(path, "$", $"cannot read the file: {ex.Message}")]);
        }

        string fullPath = Path.GetFullPath(path);
        ProxyRotatorConfig config = LoadFromString(text, path, Path.GetDirectoryName(fullPath), environment);
        config.SourcePath = fullPath;
        return config;
    }

    /// <param name="json">The file's content.</param>
    /// <param name="fileName">The name messages use.</param>
    /// <param name="baseDirectory">Where relative paths start; the current directory when null.</param>
    /// <param name="environment">Environment lookup; the process environment when null.</param>
    public static ProxyRotatorConfig LoadFromString(
        string json,
        string fileName = "config.json",
        string? baseDirectory = null,
        Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        var context = new ConfigReadContext(
            fileName,
            baseDirectory ?? Directory.GetCurrentDirectory(),
            environment ?? Environment.GetEnvironmentVariable);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new ConfigException([new ConfigError(fileName, "$", DescribeSyntaxError(ex))]);
        }

        using (document)
        {
            ProxyRotatorConfig config = ConfigDocumentParser.Parse(document.RootElement, context);
            if (context.Errors.Count > 0)
            {
                throw new ConfigException(context.Errors);
            }

            return config;
        }
    }

    private static string DescribeSyntaxError(JsonException ex)
    {
        string message = ex.Message;
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        }

        message = (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
        return ex.LineNumber is { } line
            ? $"invalid JSON at line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1}: {message}"
            : $"invalid JSON: {message}";
    }
}
