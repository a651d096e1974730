using System.CommandLine;

namespace ProxyRotator.Commands;

/// <summary><c>sessions list [--json]</c>: live sticky sessions.</summary>
public static class SessionsCommand
{
    public static Command Create()
    {
        var list = new Command("list", "List sticky sessions that have not expired");
        list.Options.Add(new Option<bool>("--json") { Description = "Print JSON instead of a table" });
        AdminClientStubOptions.AddTo(list);
        NotImplementedCommand.SetAction(list, "sessions list");

        var command = new Command("sessions", "Sticky sessions of a running server (admin API)");
        command.Subcommands.Add(list);
        return command;
    }
}
