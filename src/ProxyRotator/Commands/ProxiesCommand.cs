using System.CommandLine;

namespace ProxyRotator.Commands;

/// <summary><c>proxies list|add|retire</c>: upstreams of a running server, through its admin API.</summary>
public static class ProxiesCommand
{
    public static Command Create()
    {
        var command = new Command("proxies", "List, add and retire upstream proxies of a running server (admin API)");
        command.Subcommands.Add(ProxiesListCommand.Create());
        command.Subcommands.Add(ProxiesAddCommand.Create());
        command.Subcommands.Add(ProxiesRetireCommand.Create());
        return command;
    }
}
