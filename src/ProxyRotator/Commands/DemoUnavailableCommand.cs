using System.CommandLine;

namespace ProxyRotator.Commands;

/// <summary>
/// <c>demo</c> in a build without the simulated world (the Docker image): says where the demo runs instead of
/// "unrecognized command".
/// </summary>
public static class DemoUnavailableCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "Not in this build (built with IncludeSimulation=false): run the demo from a checkout");
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync(
                "demo is not part of this build: the simulated world is left out of production builds such as the Docker image. Run it from a checkout: dotnet run --project src/ProxyRotator -- demo");
            return ExitCodes.UsageError;
        });
        return command;
    }
}
