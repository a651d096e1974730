using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Hosting;
using ProxyRotator.Store;

namespace ProxyRotator.Commands;

/// <summary><c>migrate --config FILE</c>: apply pending migrations and exit.</summary>
public static class MigrateCommand
{
    public static Command Create()
    {
        Option<string> config = ConfigFileOption.Create();
        var command = new Command("migrate", "Apply pending database migrations and exit");
        command.Options.Add(config);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            ProxyRotatorConfig loaded = ConfigLoader.Load(parseResult.GetRequiredValue(config));
            await using ProxyRotatorApp app = ProxyRotatorApp.Create(loaded, new ProxyRotatorAppOptions { MinimumLogLevel = LogLevel.Warning });
            DatabaseMigrator migrator = app.Services.GetRequiredService<DatabaseMigrator>();

            IReadOnlyList<string> before = await migrator.GetAppliedMigrationsAsync(cancellationToken);
            await migrator.MigrateAsync(cancellationToken);
            IReadOnlyList<string> after = await migrator.GetAppliedMigrationsAsync(cancellationToken);

            TextWriter output = parseResult.InvocationConfiguration.Output;
            string database = app.Services.GetRequiredService<StoreDatabase>().Description; // never the password
            string[] applied = [.. after.Except(before, StringComparer.Ordinal)];
            await output.WriteLineAsync((applied.Length == 0
                ? $"{database}: up to date ({after.Count} migration(s), latest {(after.Count > 0 ? after[^1] : "none")})"
                : $"{database}: applied {applied.Length} migration(s): {string.Join(", ", applied)}").AsMemory(), cancellationToken);
            return ExitCodes.Success;
        });
        return command;
    }
}
