using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Hosting;
using ProxyRotator.Providers.Sync;
using ProxyRotator.Store.Sync;

namespace ProxyRotator.Commands;

/// <summary><c>import --config FILE</c>: sync the pools of FILE into the database and print what changed.</summary>
public static class ImportCommand
{
    public static Command Create()
    {
        Option<string> config = ConfigFileOption.Create();
        var command = new Command("import", "Sync the pools of the configuration into the database and print the added / updated / retired counts");
        command.Options.Add(config);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            ProxyRotatorConfig loaded = ConfigLoader.Load(parseResult.GetRequiredValue(config));
            await using ProxyRotatorApp app = ProxyRotatorApp.Create(loaded, new ProxyRotatorAppOptions { MinimumLogLevel = LogLevel.Warning });
            await app.MigrateAsync(cancellationToken);
            PoolSyncResult result = await app.SyncConfigAsync(cancellationToken);

            TextWriter output = parseResult.InvocationConfiguration.Output;
            await output.WriteLineAsync($"added {result.Added}, updated {result.Updated}, retired {result.Retired}".AsMemory(), cancellationToken);
            if (result.PoolsAdded > 0)
            {
                await output.WriteLineAsync($"created {result.PoolsAdded} pool(s)".AsMemory(), cancellationToken);
            }

            // Provider APIs: a failing provider leaves its pool as it was; say so and exit 1.
            IReadOnlyList<ProviderSyncReport> providers = await app.Services.GetRequiredService<ProviderSyncService>().SyncAllAsync(cancellationToken);
            foreach (ProviderSyncReport report in providers)
            {
                await (report.Succeeded ? output : parseResult.InvocationConfiguration.Error)
                    .WriteLineAsync($"provider {report}".AsMemory(), cancellationToken);
            }

            return providers.All(p => p.Succeeded) ? ExitCodes.Success : ExitCodes.RuntimeFailure;
        });
        return command;
    }
}
