namespace ProxyRotator.Core.Configuration;

/// <summary>A configuration file that cannot be used, with every problem found in it (not just the first).</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(IReadOnlyList<ConfigError> errors)
        : base(BuildMessage(errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<ConfigError> Errors { get; }

    private static string BuildMessage(IReadOnlyList<ConfigError> errors) =>
        errors.Count == 0
            ? "The configuration is not valid."
            : $"The configuration is not valid ({errors.Count} error(s)):{Environment.NewLine}{string.Join(Environment.NewLine, errors)}";
}
