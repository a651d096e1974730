using System.CommandLine;
using System.Runtime.InteropServices;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Hosting;

namespace ProxyRotator.Commands;

/// <summary><c>serve --config FILE</c>: migrate, sync the pools, run everything until Ctrl-C / SIGTERM, drain, exit 0.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        Option<string> config = ConfigFileOption.Create();
        var command = new Command("serve", "Apply migrations, sync the configured pools and run the gateway, admin API and jobs until Ctrl-C or SIGTERM");
        command.Options.Add(config);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            ProxyRotatorConfig loaded = ConfigLoader.Load(parseResult.GetRequiredValue(config));

            // A signal that arrives while migrating or syncing (before the host's own handlers exist) is a clean stop too.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => Stop(signal, stop));
            using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => Stop(signal, stop));

            await using ProxyRotatorApp app = ProxyRotatorApp.Create(loaded);
            try
            {
                await app.RunAsync(stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // stopped before it was fully up; nothing is left running
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static void Stop(PosixSignalContext signal, CancellationTokenSource stop)
    {
        signal.Cancel = true;
        stop.Cancel();
    }
}
