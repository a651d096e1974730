using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ProxyRotator.Store.Snapshots;

/// <summary>
/// Builds the first pool snapshot when the host starts (before the gateway takes traffic, as hosted services start
/// in order) and then checks the store every <see cref="Interval"/>, so changes written by jobs or by another
/// instance reach the gateway without a restart.
/// </summary>
public sealed partial class PoolSnapshotRefresher(
    StorePoolSnapshotSource source,
    TimeProvider timeProvider,
    ILogger<PoolSnapshotRefresher> logger,
    TimeSpan interval) : IHostedService, IDisposable
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public TimeSpan Interval { get; } = interval > TimeSpan.Zero ? interval : DefaultInterval;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await source.RefreshAsync(cancellationToken).ConfigureAwait(false);
            LogBuilt(logger, source.Current.All.Count, source.Current.Version);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not fatal: the loop retries, and the gateway answers 503 until a snapshot exists.
            LogFailed(logger, ex);
        }

        _loop = RunAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_loop is null)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    if (await source.RefreshIfChangedAsync(cancellationToken).ConfigureAwait(false))
                    {
                        LogBuilt(logger, source.Current.All.Count, source.Current.Version);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Pool snapshot rebuilt: {Count} upstreams, version {Version}")]
    private static partial void LogBuilt(ILogger logger, int count, long version);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Pool snapshot could not be rebuilt from the store")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
