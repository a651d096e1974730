using System.CommandLine;

namespace ProxyRotator.Commands;

/// <summary>The action of a command whose issue has not landed yet: says so and fails, never pretends.</summary>
internal static class NotImplementedCommand
{
    public static void SetAction(Command command, string name) =>
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await parseResult.InvocationConfiguration.Error.WriteLineAsync($"'{name}' is not implemented yet.".AsMemory(), cancellationToken);
            return ExitCodes.RuntimeFailure;
        });
}
