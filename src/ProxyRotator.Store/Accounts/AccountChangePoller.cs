using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ProxyRotator.Store.Accounts;

/// <summary>
/// Brings account changes made by another instance (or straight in the database) into this one: every
/// <see cref="DefaultInterval"/> it compares the accounts' change version and reloads when it moved. Changes made
/// through this instance's admin API are published at once without waiting for it.
/// </summary>
public sealed partial class AccountChangePoller(AccountTableLoader loader, TimeProvider timeProvider, ILogger<AccountChangePoller> logger, TimeSpan interval) : BackgroundService
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    if (await loader.RefreshIfChangedAsync(stoppingToken).ConfigureAwait(false))
                    {
                        LogReloaded(logger);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogPollFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(EventId = 5301, Level = LogLevel.Information, Message = "Accounts changed in the store: reloaded")]
    private static partial void LogReloaded(ILogger logger);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Warning, Message = "Checking the accounts for changes failed; the current accounts stay in use")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
