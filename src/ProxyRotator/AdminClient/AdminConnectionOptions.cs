using System.CommandLine;

namespace ProxyRotator.AdminClient;

/// <summary><c>--admin URL</c> and <c>--api-key KEY</c> (or <c>PROXYROTATOR_API_KEY</c>), shared by every command that talks to a server.</summary>
public sealed class AdminConnectionOptions
{
    public const string DefaultAdminUrl = "http://127.0.0.1:8081";
    public const string ApiKeyVariable = "PROXYROTATOR_API_KEY";

    /// <summary>Where <c>--admin</c> comes from when not given (the line <c>demo</c> prints sets it).</summary>
    public const string AdminUrlVariable = "PROXYROTATOR_ADMIN";

    public Option<string> Admin { get; } = new("--admin")
    {
        Description = $"Base URL of the server's admin API (or the {AdminUrlVariable} environment variable)", // the help adds "[default: ...]"
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(AdminUrlVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : DefaultAdminUrl,
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = $"Admin API key (default: the {ApiKeyVariable} environment variable)",
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Admin);
        command.Options.Add(ApiKey);
    }
}
