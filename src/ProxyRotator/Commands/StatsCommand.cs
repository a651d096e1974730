using System.CommandLine;

namespace ProxyRotator.Commands;

/// <summary><c>stats [--json]</c>: request, failure and byte counters of a running server.</summary>
public static class StatsCommand
{
    public static Command Create()
    {
        var command = new Command("stats", "Show requests, failures, retries and bytes per pool and per upstream");
        command.Options.Add(new Option<bool>("--json") { Description = "Print JSON instead of a table" });
        AdminClientStubOptions.AddTo(command);
        NotImplementedCommand.SetAction(command, "stats");
        return command;
    }
}
