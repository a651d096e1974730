using System.CommandLine;

namespace ProxyRotator.Commands;

/// <summary><c>proxies retire ID</c>.</summary>
public static class ProxiesRetireCommand
{
    public static Command Create()
    {
        var command = new Command("retire", "Retire an upstream proxy for good (kept for history)");
        command.Arguments.Add(new Argument<long>("ID") { Description = "Upstream id (see proxies list)" });
        AdminClientStubOptions.AddTo(command);
        NotImplementedCommand.SetAction(command, "proxies retire");
        return command;
    }
}
