using System.CommandLine;

namespace ProxyRotator.Commands;

/// <summary><c>proxies list [--pool P] [--status S] [--type T] [--country CC] [--json]</c>.</summary>
public static class ProxiesListCommand
{
    public static Command Create()
    {
        var command = new Command("list", "List upstream proxies with their status, score and verified country");
        command.Options.Add(new Option<string?>("--pool") { Description = "Only this pool" });
        command.Options.Add(new Option<string?>("--status") { Description = "pending, active, quarantined or retired" });
        command.Options.Add(new Option<string?>("--type") { Description = "residential, mobile, datacenter or isp" });
        command.Options.Add(new Option<string?>("--country") { Description = "ISO 3166-1 alpha-2 country code" });
        command.Options.Add(new Option<bool>("--json") { Description = "Print JSON instead of a table" });
        AdminClientStubOptions.AddTo(command);
        NotImplementedCommand.SetAction(command, "proxies list");
        return command;
    }
}
