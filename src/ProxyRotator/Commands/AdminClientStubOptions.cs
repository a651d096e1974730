using System.CommandLine;

namespace ProxyRotator.Commands;

/// <summary><c>--admin URL</c> and <c>--api-key KEY</c> for the admin-API commands until their client lands.</summary>
internal static class AdminClientStubOptions
{
    public static void AddTo(Command command)
    {
        command.Options.Add(new Option<string>("--admin") { Description = "Base URL of the server's admin API (default http://127.0.0.1:8081)" });
        command.Options.Add(new Option<string?>("--api-key") { Description = "Admin API key (default: the PROXYROTATOR_API_KEY environment variable)" });
    }
}
