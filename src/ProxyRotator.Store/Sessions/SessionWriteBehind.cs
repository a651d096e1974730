using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ProxyRotator.Store.Sessions;

/// <summary>
/// Persists the session table write-behind: every <see cref="Interval"/> it flushes the changes noted since the
/// last flush, and once more when the host stops, so a graceful shutdown loses nothing. A flush that fails (the
/// database is locked, say) is retried on the next tick; clients never wait for it.
/// </summary>
public sealed partial class SessionWriteBehind(
    StoreSessionStore sessions,
    TimeProvider timeProvider,
    ILogger<SessionWriteBehind> logger,
    TimeSpan interval) : BackgroundService
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between a session change and the start of the flush that stores it.</summary>
    public TimeSpan Interval { get; } = interval > TimeSpan.Zero ? interval : DefaultInterval;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await sessions.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, sessions.PendingWrites, ex);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await sessions.FlushAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(logger, sessions.PendingWrites, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping: StopAsync flushes once more
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Sticky sessions could not be stored yet ({Pending} changes wait); retrying")]
    private static partial void LogFailed(ILogger logger, int pending, Exception exception);
}
