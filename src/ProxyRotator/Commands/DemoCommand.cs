using System.CommandLine;

namespace ProxyRotator.Commands;

/// <summary><c>demo [--upstreams N]</c>: <c>serve</c> on a simulated local world (arrives with the gateway issue).</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var upstreams = new Option<int>("--upstreams") { Description = "Number of simulated upstream proxies", DefaultValueFactory = _ => 24 };
        var command = new Command("demo", "Run the product on a built-in local world of simulated upstreams and print curl lines to try");
        command.Options.Add(upstreams);
        NotImplementedCommand.SetAction(command, "demo");
        return command;
    }
}
