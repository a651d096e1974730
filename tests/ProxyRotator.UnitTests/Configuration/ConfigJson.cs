using ProxyRotator.Core.Configuration;

namespace ProxyRotator.UnitTests.Configuration;

/// <summary>Builds small configuration documents for tests; single quotes stand for double quotes.</summary>
internal static class ConfigJson
{
    public const string ApiKey = "0123456789abcdef";

    /// <summary><paramref name="fields"/> in a document, with a valid admin section unless the fields bring their own.</summary>
    public static string Document(string fields)
    {
        string admin = fields.Contains("'admin'", StringComparison.Ordinal) ? string.Empty : "'admin': { 'apiKey': '" + ApiKey + "' }";
        string separator = admin.Length > 0 && fields.Length > 0 ? ", " : string.Empty;
        return ("{ " + admin + separator + fields + " }").Replace('\'', '"');
    }

    public static ProxyRotatorConfig Load(string json, Func<string, string?>? environment = null, string? baseDirectory = null) =>
        ConfigLoader.LoadFromString(json, "pools.json", baseDirectory ?? Path.GetTempPath(), environment ?? NoEnvironment);

    public static IReadOnlyList<ConfigError> Errors(string json, Func<string, string?>? environment = null, string? baseDirectory = null)
    {
        ConfigException exception = Assert.Throws<ConfigException>(() => Load(json, environment, baseDirectory));
        Assert.NotEmpty(exception.Errors);
        return exception.Errors;
    }

    /// <summary>Asserts that loading fails with exactly one error, at <paramref name="path"/>, whose reason contains <paramref name="reason"/>.</summary>
    public static ConfigError SingleError(string json, string path, string reason, Func<string, string?>? environment = null, string? baseDirectory = null)
    {
        IReadOnlyList<ConfigError> errors = Errors(json, environment, baseDirectory);
        ConfigError error = Assert.Single(errors);
        Assert.Equal("pools.json", error.File);
        Assert.Equal(path, error.Path);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        return error;
    }

    public static string? NoEnvironment(string name) => null;

    public static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ProxyRotator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("ProxyRotator.sln not found above " + AppContext.BaseDirectory);
    }
}
