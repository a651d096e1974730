using System.CommandLine;
using System.CommandLine.Invocation;
using ProxyRotator.Commands;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.GeoIp;

namespace ProxyRotator;

/// <summary>
/// The <c>proxyrotator</c> command line: every command of design §1 and the exit codes 0 (success),
/// 1 (runtime failure) and 2 (usage or configuration error, each problem printed as <c>file: path: reason</c>).
/// </summary>
public static class ProxyRotatorCommandLine
{
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("ProxyRotator: a rotating proxy pool manager (HTTP proxy, CONNECT and SOCKS5 on one port)");
        root.Subcommands.Add(ServeCommand.Create());
#if PROXYROTATOR_SIMULATION
        root.Subcommands.Add(DemoCommand.Create());
#else
        root.Subcommands.Add(DemoUnavailableCommand.Create());
#endif
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(ProxiesCommand.Create());
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(SessionsCommand.Create());
        root.Subcommands.Add(StatsCommand.Create());
        root.Subcommands.Add(AccountsCommand.Create());
        root.Subcommands.Add(UsageCommand.Create());
        root.Subcommands.Add(GeoIpCommand.Create());
        root.Subcommands.Add(HealthCheckCommand.Create());
        return root;
    }

    /// <param name="args">The command line.</param>
    /// <param name="output">Where command output goes (stdout by default).</param>
    /// <param name="error">Where errors go (stderr by default).</param>
    /// <param name="cancellationToken">Stops a running command (tests; <c>serve</c> also stops on Ctrl-C / SIGTERM).</param>
    public static async Task<int> InvokeAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,

            // serve's host handles Ctrl-C / SIGTERM itself and drains; System.CommandLine must not cut it short.
            ProcessTerminationTimeout = null,
        };

        ParseResult parseResult = CreateRootCommand().Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            // Our own wording: System.CommandLine's names .NET types ("as expected type 'System.Int64'").
            foreach (System.CommandLine.Parsing.ParseError parseError in parseResult.Errors)
            {
                await error.WriteLineAsync(ParseErrorText.Describe(parseError.Message));
            }

            await error.WriteLineAsync("Run 'proxyrotator --help' (or 'proxyrotator COMMAND --help') for usage.");
            return ExitCodes.UsageError;
        }

        try
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken);
        }
        catch (ConfigException ex)
        {
            foreach (ConfigError configError in ex.Errors)
            {
                await error.WriteLineAsync(configError.ToString());
            }

            if (ex.Errors.Count == 0)
            {
                await error.WriteLineAsync(ex.Message);
            }

            return ExitCodes.UsageError;
        }
        catch (GeoIpDatabaseException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.UsageError;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("cancelled");
            return ExitCodes.RuntimeFailure;
        }
        catch (Exception ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.RuntimeFailure;
        }
    }
}
