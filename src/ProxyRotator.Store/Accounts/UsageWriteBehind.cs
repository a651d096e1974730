using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ProxyRotator.Store.Accounts;

/// <summary>
/// Persists usage behind the traffic: every <see cref="DefaultInterval"/> the ledger's new counts are added to the
/// store in one transaction, and once more on a graceful shutdown. A failed flush keeps the counts for the next one;
/// a request never waits for it.
/// </summary>
public sealed partial class UsageWriteBehind(UsageStore store, TimeProvider timeProvider, ILogger<UsageWriteBehind> logger, TimeSpan interval) : BackgroundService
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await FlushAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The final flush runs in StopAsync.
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFlushFailed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 5303, Level = LogLevel.Warning, Message = "Storing account usage failed; the counts are kept for the next flush")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);
}
