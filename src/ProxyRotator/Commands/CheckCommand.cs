using System.CommandLine;

namespace ProxyRotator.Commands;

/// <summary><c>check [--pool P] [--json]</c>: a health-check pass now, printed per upstream.</summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var command = new Command("check", "Ask the server for a health-check pass now and print the outcome per upstream");
        command.Options.Add(new Option<string?>("--pool") { Description = "Only this pool" });
        command.Options.Add(new Option<bool>("--json") { Description = "Print JSON instead of a table" });
        AdminClientStubOptions.AddTo(command);
        NotImplementedCommand.SetAction(command, "check");
        return command;
    }
}
